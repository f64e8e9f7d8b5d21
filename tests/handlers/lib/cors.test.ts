import { strict as assert } from "assert";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { CorsPolicy, SERVED_METHODS, allowedOrigin, corsResponseHeaders, preflightHeaders } from "../../../handlers/lib/cors";
import { createCellApi } from "../../../handlers/cell-api";
import { ownershipFor } from "../../../handlers/lib/ownership";
import { v2Event } from "../fakes/routing-events";

const POLICY: CorsPolicy = {
    allowOrigins: ["https://app.example.com"], allowMethods: [...SERVED_METHODS], allowHeaders: ["authorization", "if-match"],
    exposeHeaders: ["etag"], maxAgeSeconds: 600, allowCredentials: false,
};

describe("CORS policy (handlers/lib/cors.ts)", () => {
    it("allows listed origins exactly: no prefix, suffix, case or null match", () => {
        assert.equal(allowedOrigin(POLICY, "https://app.example.com"), "https://app.example.com");
        for (const origin of ["https://app.example.com.evil.example", "https://evil-app.example.com", "http://app.example.com", "https://APP.example.com", "null", undefined]) {
            assert.equal(allowedOrigin(POLICY, origin), undefined, String(origin));
        }
    });

    it("answers * for any origin (and never varies by it), with credentials only when allowed", () => {
        const any = { ...POLICY, allowOrigins: ["*"] };
        assert.deepEqual(corsResponseHeaders(any, "https://whoever.example"), { "access-control-allow-origin": "*", "access-control-expose-headers": "etag" });
        assert.deepEqual(corsResponseHeaders({ ...POLICY, allowCredentials: true }, "https://app.example.com"), {
            "access-control-allow-origin": "https://app.example.com", "access-control-allow-credentials": "true", "access-control-expose-headers": "etag", vary: "origin",
        });
        assert.deepEqual(preflightHeaders(POLICY), {
            "access-control-allow-methods": "DELETE,GET,HEAD,PUT", "access-control-allow-headers": "authorization,if-match", "access-control-max-age": "600",
        });
    });

    it("lists exactly the methods the cell API serves (its 405 names them)", async () => {
        const api = createCellApi({
            cellId: "cell-test", tableName: "t", tenantClaim: "tenant_id", ownership: ownershipFor("cell-test", { version: 1, cells: ["cell-test"], pinned: {} }),
            tables: { clientFor: () => Promise.reject(new Error("not reached")) }, logger: new Logger({ serviceName: "cell-api" }),
        });
        const result = await api(v2Event({ method: "POST", path: "/customers/acme/items/i1" })) as APIGatewayProxyStructuredResultV2;
        assert.equal(result.statusCode, 405);
        assert.equal(result.headers!.allow, SERVED_METHODS.join(", "));
    });
});

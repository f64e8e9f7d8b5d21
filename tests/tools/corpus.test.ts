/**
 * The corpus's record (corpus/corpus.json, corpus/results.json) and the README's table: consistent, without running
 * the corpus (`npm run corpus` plans every program and compares with the record; it takes minutes).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CORPUS_DIR, readManifest, readResults, renderTable, withTable } from "../../tools/lib/corpus";

const README = path.resolve(__dirname, "..", "..", "README.md");

describe("the corpus of public programs (npm run corpus)", () => {
    const programs = readManifest();

    it("has at least 12 programs, each kept with the repository, path and commit it came from", () => {
        assert.ok(programs.length >= 12, `${programs.length} programs`);
        for (const p of programs) {
            assert.match(p.source.commit, /^[0-9a-f]{40}$/, p.name);
            assert.match(p.source.repo, /^[\w.-]+\/[\w.-]+$/, p.name);
            assert.ok(fs.existsSync(path.join(CORPUS_DIR, p.name, "Pulumi.yaml")), `${p.name} has no Pulumi.yaml`);
            assert.ok(Array.isArray(p.setup) && Array.isArray(p.changes), p.name);
            if (p.answers) assert.ok(fs.existsSync(path.join(CORPUS_DIR, "answers", p.answers)), `${p.name}: no ${p.answers}`);
        }
        assert.deepEqual(fs.readdirSync(CORPUS_DIR).filter(f => fs.statSync(path.join(CORPUS_DIR, f)).isDirectory() && f !== "answers").sort(),
            programs.map(p => p.name).sort(), "every directory of corpus/ is listed, and every program listed has one");
    });

    it("has a recorded outcome for every program: a plan, or the error it fails with", () => {
        const results = readResults();
        assert.deepEqual(results.map(r => r.name), programs.map(p => p.name));
        for (const r of results) {
            assert.ok((r.resources === null) === (r.error !== null), `${r.name}: either it planned or it failed`);
            assert.ok(r.error === null || r.exit === 1, `${r.name}: a failure exits 1`);
            assert.equal(r.exit, r.error !== null || r.mandatory.length > 0 || (r.secondOpinion?.mandatory ?? 0) > 0 ? 1 : 0, r.name);
        }
        assert.ok(results.filter(r => r.error === null).length >= 12, "at least 12 programs plan");
    });

    it("shows the recorded outcomes in the README's table", () => {
        const readme = fs.readFileSync(README, "utf8");
        assert.equal(readme, withTable(readme, renderTable(programs, readResults())), "run npm run corpus -- --update");
    });
});

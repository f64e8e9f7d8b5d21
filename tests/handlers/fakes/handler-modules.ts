/**
 * Handler modules loaded afresh against a test's fakes (handlers read their environment and create their clients
 * when they are loaded), and the require cache given back afterwards, so other test files keep the modules they
 * loaded against their own fakes.
 */
import { FakeDynamo, startFakeDynamo } from "./events-dynamo";
import { awsEnv, setEnv } from "./events-lambda";
import { FakeS3, startFakeS3 } from "./events-s3";
import { FakeSqs, startFakeSqs } from "./events-sqs";
const replaced = new Map<string, NodeJS.Module | undefined>();

/** `handlers/<name>` loaded now, with the environment as it is now. */
export function loadHandler<T>(name: string): T {
    const file = require.resolve(`../../../handlers/${name}`);
    if (!replaced.has(file)) replaced.set(file, require.cache[file]);
    delete require.cache[file];
    return require(file) as T;
}

/** Puts back what the require cache held before {@link loadHandler} (call in `after`). */
export function restoreHandlers(): void {
    for (const [file, module] of replaced) {
        if (module === undefined) delete require.cache[file];
        else require.cache[file] = module;
    }
    replaced.clear();
}

/** The fakes the event handlers talk to (DynamoDB, S3, SQS), with the environment pointing at them. */
export interface EventFakes {
    dynamo: FakeDynamo;
    s3: FakeS3;
    sqs: FakeSqs;
    /** Restores the environment and the require cache, and closes the fakes. */
    stop(): Promise<void>;
}

export async function startEventFakes(extraEnv: Record<string, string | undefined> = {}): Promise<EventFakes> {
    const [dynamo, s3, sqs] = await Promise.all([startFakeDynamo(), startFakeS3(), startFakeSqs()]);
    const restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint, sqs: sqs.endpoint }, { BUCKET_NAME: "cell-a-ingest", ...extraEnv }));
    return {
        dynamo, s3, sqs,
        async stop() {
            restoreEnv();
            restoreHandlers();
            await Promise.all([dynamo.close(), s3.close(), sqs.close()]);
        },
    };
}

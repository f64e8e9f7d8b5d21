/**
 * Who hears the alarms (`cellular:alarms`): an SNS topic of the user's, or e-mail addresses the stack subscribes to a
 * topic it creates. Every alarm of the stack notifies it when it fires and when it clears. There is no silent mode:
 * a stack without `cellular:alarms` is a config error. Pure.
 */
import { ValuesOf, optionalCustom, section } from "./fields";
import { isPlainObject } from "./problems";

/** An SNS topic's ARN: `arn:<partition>:sns:<region>:<account>:<name>`. */
export const SNS_TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(\.fifo)?)$/;
/** An address SNS can send to (the provider sends it as is; a typo is a subscription that never confirms). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Said when `cellular:alarms` names no one. */
export const NO_RECIPIENT = "set emails: [<address>, ...] (the stack creates a topic and subscribes them) or topicArn: <an SNS topic of the stack's region>; an alarm that tells no one is not one";

/** True when the raw `cellular:alarms` names neither a topic nor addresses. */
export function namesNoRecipient(raw: unknown): boolean {
    return !isPlainObject(raw) || (raw.topicArn === undefined && raw.emails === undefined);
}

export const ALARM_SETTINGS = section("Who hears the alarms: every alarm notifies this topic when it fires and when it clears", {
    topicArn: optionalCustom<string>({ type: "string", allowed: "an SNS topic ARN in the stack's region",
        description: "An SNS topic of yours (paging, chat, ...); it must let CloudWatch publish, and an encrypted one needs a customer managed key CloudWatch may use",
        read(value, path, problems) {
            if (typeof value === "string" && SNS_TOPIC_ARN.test(value)) return value;
            problems.add(path, value, "expected an SNS topic ARN: arn:<partition>:sns:<region>:<account id>:<topic name>");
            return undefined;
        } }),
    emails: optionalCustom<string[]>({ type: "list", allowed: "one or more distinct e-mail addresses",
        description: "Instead of `topicArn`: the stack creates the topic `<project>-<stack>-alarms` and subscribes each address (each must confirm the e-mail AWS sends)",
        read(value, path, problems) {
            if (Array.isArray(value) && value.length > 0 && value.every(v => typeof v === "string" && EMAIL.test(v)) && new Set(value).size === value.length) {
                return value as string[];
            }
            problems.add(path, value, "expected a non-empty list of distinct e-mail addresses");
            return undefined;
        } }),
}, (v, at) => {
    if (v.topicArn !== undefined && v.emails !== undefined) at.problem("emails", v.emails, "set either topicArn or emails, not both");
});

export type AlarmSettings = ValuesOf<typeof ALARM_SETTINGS.fields>;

/**
 * Where every alarm of the stack sends its state changes: the user's SNS topic (`cellular:alarms.topicArn`), or a
 * topic the stack creates with an e-mail subscription per address (`cellular:alarms.emails`).
 *
 * The stack's topic is not encrypted: CloudWatch cannot publish to a topic encrypted with the AWS managed key
 * (`alias/aws/sns`), and a customer managed key costs a key per stack for messages that carry no customer data (an
 * alarm's name, state and reason). Its default access policy lets the account's own CloudWatch publish.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "./config/stack-settings";
import { sharedTags } from "./tags";

/** What every alarm is given: notify on ALARM and on OK. */
export interface AlarmActions {
    alarmActions: pulumi.Input<string>[];
    okActions: pulumi.Input<string>[];
}

export function createAlarmActions(settings: StackSettings): AlarmActions {
    const { alarms, names } = settings;
    let arn: pulumi.Input<string>;
    if (alarms.topicArn !== undefined) {
        arn = alarms.topicArn;
    } else {
        const topic = new aws.sns.Topic("alarms", { name: names.alarmTopic(), tags: sharedTags(settings) });
        for (const [i, email] of (alarms.emails ?? []).entries()) {
            new aws.sns.TopicSubscription(`alarms-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email });
        }
        arn = topic.arn;
    }
    return { alarmActions: [arn], okActions: [arn] };
}

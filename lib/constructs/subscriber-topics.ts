// The SNS topics: notifications for subscribers (SSL enforced, encrypted with a rotating key,
// optional email subscriptions) and, when an alarm email is given, one for operational alarms.
import { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface SubscriberTopicsProps {
  subscriberEmails: string[];
  alarmEmail?: string;
  /** `retain` keeps the key when the stack is deleted; `destroy` schedules its deletion (30 days). */
  removalPolicy: 'retain' | 'destroy';
}

export class SubscriberTopics extends Construct {
  readonly notifications: Topic;
  readonly alarms?: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: SubscriberTopicsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the ILO syndication SNS topics at rest',
      enableKeyRotation: true,
      // The key protects no stored data (SNS keeps no messages): it goes with the stack when the
      // archive does.
      removalPolicy: props.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the alarm topic: they need the key too.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.notifications = new Topic(this, 'Notifications', {
      displayName: 'ILO news',
      enforceSSL: true,
      masterKey: this.key,
    });
    for (const email of props.subscriberEmails) this.notifications.addSubscription(new EmailSubscription(email));

    if (props.alarmEmail) {
      this.alarms = new Topic(this, 'Alarms', {
        displayName: 'ILO syndication alarms',
        enforceSSL: true,
        masterKey: this.key,
      });
      this.alarms.addSubscription(new EmailSubscription(props.alarmEmail));
    }
  }
}

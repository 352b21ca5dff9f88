// What tells an operator something is wrong, including the failures that make no error: messages in a
// dead-letter queue, discover runs failing hour after hour, pages failing again and again, no successful
// discover run for hours or no story stored for days (heartbeats: missing data is breaching), work
// waiting too long in a queue, functions failing or throttled, and markup drift (the ILO site
// changed and extraction fell back to a weaker layer). Alarms need a condition to hold over several
// periods, so one slow run or one transient error does not page anyone. docs/RUNBOOK.md says what
// each one means and what to do.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../../functions/handlers/deployment.js';
import { METRIC, METRICS_NAMESPACE, type MetricName } from '../../functions/handlers/metric-names.js';

export interface OperationalAlarmsProps {
  functions: { discover: NodejsFunction; ingest: NodejsFunction; publish: NodejsFunction };
  /** The work queues: an old message in one means work is stuck. */
  workQueues: { ingest: Queue; publish: Queue };
  /** Queues that hold what failed every retry: any message in them is an alarm. */
  deadLetterQueues: Queue[];
  /**
   * Failed discover runs (Lambda's on-failure records, the scheduler's undelivered events). One is
   * no alarm: the next scheduled run does the same work. Failures that keep coming are.
   */
  discoverFailures: Queue;
  heartbeatHours: number;
  storyHeartbeatDays: number;
  alarmTopic?: Topic;
}

/** Thresholds, in one place for the runbook and the tests. */
const ALARM_LIMITS = {
  /** Failed ingest messages per hour, in 2 of 3 hours. */
  ingestFailuresPerHour: 5,
  /** Oldest message in the ingest queue: past its ~2 h of retries. */
  ingestQueueAge: Duration.hours(3),
  /** Oldest publish request: publish runs take minutes. */
  publishQueueAge: Duration.hours(1),
} as const;

export class OperationalAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const add = (alarm: Alarm) => {
      if (props.alarmTopic) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
      this.alarms.push(alarm);
    };
    const custom = (metricName: MetricName, service: FunctionName, period: Duration) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, period, statistic: 'Sum' });

    for (const dlq of props.deadLetterQueues) {
      add(
        new Alarm(this, `${dlq.node.id}NotEmpty`, {
          alarmDescription: `Messages failed for good and wait in ${dlq.node.id}: see docs/RUNBOOK.md (inspect, fix the cause, redrive).`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // Not "any message", which would page for one transient failure and stay in alarm until someone
    // purged the queue: failed runs in 2 of the last 3 hours (DiscoverHeartbeat covers no success at all).
    add(
      new Alarm(this, 'DiscoverFailuresRepeated', {
        alarmDescription: `Discover runs failed in 2 of the last 3 hours (their records wait in ${props.discoverFailures.node.id} for 14 days): see docs/RUNBOOK.md.`,
        metric: props.discoverFailures.metricNumberOfMessagesSent({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      new Alarm(this, 'IngestFailures', {
        alarmDescription: `Ingest keeps failing pages (at least ${ALARM_LIMITS.ingestFailuresPerHour} an hour in 2 of the last 3 hours): the origin may be refusing us (403) or down. See the ingest logs.`,
        metric: custom(METRIC.ingestFailures, 'ingest', Duration.hours(1)),
        threshold: ALARM_LIMITS.ingestFailuresPerHour,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      new Alarm(this, 'DiscoverHeartbeat', {
        alarmDescription: `No discover run succeeded in the last ${props.heartbeatHours} hours: nothing new is being found.`,
        metric: custom(METRIC.discoverRuns, 'discover', Duration.hours(1)),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: props.heartbeatHours,
        datapointsToAlarm: props.heartbeatHours,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );
    add(
      new Alarm(this, 'StoryHeartbeat', {
        alarmDescription: `No new or updated story was stored in the last ${props.storyHeartbeatDays} days: the site may have changed where we cannot see it.`,
        metric: custom(METRIC.storiesStored, 'ingest', Duration.days(1)),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: props.storyHeartbeatDays,
        datapointsToAlarm: props.storyHeartbeatDays,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );

    const ages: [string, Queue, Duration][] = [
      ['IngestQueueAge', props.workQueues.ingest, ALARM_LIMITS.ingestQueueAge],
      ['PublishQueueAge', props.workQueues.publish, ALARM_LIMITS.publishQueueAge],
    ];
    for (const [name, queue, limit] of ages) {
      add(
        new Alarm(this, name, {
          alarmDescription: `A message has waited in ${queue.node.id} for more than ${limit.toHumanString()}: its function is not keeping up or keeps failing.`,
          metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(15), statistic: 'Maximum' }),
          threshold: limit.toSeconds(),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const fn of Object.values(props.functions)) {
      add(
        new Alarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `The ${fn.node.id} function failed in 2 of the last 3 hours (an error of the whole invocation, not of one page): see its log group.`,
          metric: fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        new Alarm(this, `${fn.node.id}Throttles`, {
          alarmDescription: `The ${fn.node.id} function was throttled in 2 of the last 3 hours: the account's concurrency is used up elsewhere.`,
          metric: fn.metricThrottles({ period: Duration.hours(1), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    add(
      new Alarm(this, 'MarkupDrift', {
        alarmDescription:
          'ILO pages were extracted by a fallback layer: the site markup changed. Check the ingest logs for the pages named.',
        metric: custom(METRIC.markupDrift, 'ingest', Duration.hours(1)),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

// What tells an operator something is wrong: a dead-letter queue that is not empty, a function
// that errors, and markup drift (the ILO site changed and extraction fell back to a weaker layer).
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationalAlarmsProps {
  functions: NodejsFunction[];
  deadLetterQueues: Queue[];
  alarmTopic?: Topic;
}

export class OperationalAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const add = (alarm: Alarm) => {
      if (props.alarmTopic) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
      this.alarms.push(alarm);
    };
    for (const dlq of props.deadLetterQueues) {
      add(
        new Alarm(this, `${dlq.node.id}NotEmpty`, {
          alarmDescription: `Messages failed repeatedly and wait in ${dlq.node.id}: inspect them, fix the cause, then redrive.`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const fn of props.functions) {
      add(
        new Alarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `The ${fn.node.id} function failed: see its log group.`,
          metric: fn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    add(
      new Alarm(this, 'MarkupDrift', {
        alarmDescription: 'ILO pages were extracted by a fallback layer: the site markup changed. Check the ingest logs for the pages named.',
        metric: new Metric({ namespace: 'IloSyndication', metricName: 'MarkupDrift', dimensionsMap: { service: 'ingest' }, period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

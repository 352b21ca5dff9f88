// CloudWatch's evaluation of a metric alarm from the template, over the datapoints the functions
// emitted (EMF, with the functions' virtual timestamps): the last EvaluationPeriods whole periods,
// Sum per period, missing periods treated as the alarm says, ALARM when DatapointsToAlarm of them
// breach. For the custom metrics only: the AWS/* metrics (Errors, queue depth) come from the
// service itself and are checked directly.
import type { Datapoint } from './lambda-service.js';

export interface MetricAlarm {
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
  Statistic: string;
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
}

export function alarmState(alarm: MetricAlarm, datapoints: Datapoint[], at: number): 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' {
  if (alarm.Statistic !== 'Sum') throw new Error(`statistic ${alarm.Statistic} not emulated`);
  const periodMs = alarm.Period * 1000;
  const matching = datapoints.filter(
    (d) => d.namespace === alarm.Namespace && d.name === alarm.MetricName && (alarm.Dimensions ?? []).every((dim) => d.dimensions[dim.Name] === dim.Value),
  );
  const lastEnd = Math.floor(at / periodMs) * periodMs;
  let breaching = 0;
  let missing = 0;
  for (let i = 0; i < alarm.EvaluationPeriods; i++) {
    const end = lastEnd - i * periodMs;
    const inPeriod = matching.filter((d) => d.timestamp >= end - periodMs && d.timestamp < end);
    if (inPeriod.length === 0) {
      missing++;
      if (alarm.TreatMissingData === 'breaching') breaching++;
      continue;
    }
    const sum = inPeriod.reduce((total, d) => total + d.value, 0);
    if (compare(alarm.ComparisonOperator, sum, alarm.Threshold)) breaching++;
  }
  if (missing === alarm.EvaluationPeriods && (alarm.TreatMissingData ?? 'missing') === 'missing') return 'INSUFFICIENT_DATA';
  return breaching >= (alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods) ? 'ALARM' : 'OK';
}

function compare(operator: string, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      throw new Error(`comparison ${operator} not emulated`);
  }
}

// CloudWatch's evaluation of a metric alarm from the template (its dimensions resolved), over the
// datapoints the functions emitted (EMF, with the functions' virtual timestamps) and those the local
// Lambda service reports for AWS (lambda-service.ts): the last EvaluationPeriods whole periods, Sum
// or Maximum per period, missing periods treated as the alarm says, ALARM when DatapointsToAlarm of
// them breach. Not emulated: queue age, throttles (the local service never throttles).
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

export function alarmState(
  alarm: MetricAlarm,
  datapoints: Datapoint[],
  at: number,
): 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' {
  if (alarm.Statistic !== 'Sum' && alarm.Statistic !== 'Maximum')
    throw new Error(`statistic ${alarm.Statistic} not emulated`);
  const periodMs = alarm.Period * 1000;
  const matching = datapoints.filter(
    (d) =>
      d.namespace === alarm.Namespace &&
      d.name === alarm.MetricName &&
      (alarm.Dimensions ?? []).every((dim) => d.dimensions[dim.Name] === dim.Value),
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
    const value =
      alarm.Statistic === 'Sum'
        ? inPeriod.reduce((total, d) => total + d.value, 0)
        : Math.max(...inPeriod.map((d) => d.value));
    if (compare(alarm.ComparisonOperator, value, alarm.Threshold)) breaching++;
  }
  if (missing === alarm.EvaluationPeriods && (alarm.TreatMissingData ?? 'missing') === 'missing')
    return 'INSUFFICIENT_DATA';
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

// The focused monitoring parts BackupMonitoring is made of, and their vocabulary.
export { evaluationWindow } from "./alarms";
export { AlertTopic, type AlertTopicProps } from "./alert-topic";
export { type AuditControlProps, AuditReports, type AuditReportsProps } from "./audit-reports";
export { ChatChannel, ChatChannels, type ChatChannelsProps, ChatTool } from "./chat-channels";
export { EventForwarding, type EventForwardingProps } from "./event-forwarding";
export { BackupEventAlerts, type BackupEventRule, backupEventRules } from "./event-rules";
export { HeartbeatAlarms, type HeartbeatAlarmsProps, type HeartbeatServiceProps } from "./heartbeat-alarms";
export { KeyAndLockGuard } from "./lock-guard";
export {
  RecoveryPointFreshness,
  type RecoveryPointFreshnessProps,
  type RecoveryPointRuleProps,
} from "./recovery-point-freshness";
export type { AlertingScope, MonitoringScope } from "./scope";
export { TopicSubscriptions, type TopicSubscriptionsProps } from "./topic-subscriptions";
export { DEPRECATED_VAULT_EVENTS, FAILURE_VAULT_EVENTS, VaultEvent } from "./vault-events";
export { type VaultFreshnessProps, VaultMonitoring, type VaultMonitoringProps } from "./vault-monitoring";

/** The service handlers: email (smtp), slack, teams, discord, telegram, pagerDuty (v1), pagerDuty2, opsGenie2, victorOps, alerta, sensu, pushover, mqtt, snmpTrap, bigPanda, serviceNow, zenoss. */
import type { HandlerDefinition } from './definition.js'
import { alertaDefinition } from './alerta.js'
import { bigPandaDefinition } from './bigpanda.js'
import { discordDefinition } from './discord.js'
import { mqttDefinition } from './mqtt.js'
import { opsGenie2Definition } from './opsgenie2.js'
import { pagerDutyDefinition } from './pagerduty.js'
import { pagerDuty2Definition } from './pagerduty2.js'
import { pushoverDefinition } from './pushover.js'
import { sensuDefinition } from './sensu.js'
import { serviceNowDefinition } from './servicenow.js'
import { slackDefinition } from './slack.js'
import { smtpDefinition } from './smtp.js'
import { snmpTrapDefinition } from './snmptrap.js'
import { teamsDefinition } from './teams.js'
import { telegramDefinition } from './telegram.js'
import { victorOpsDefinition } from './victorops.js'
import { zenossDefinition } from './zenoss.js'

export const SERVICE_HANDLERS: readonly HandlerDefinition[] = [
  smtpDefinition, slackDefinition, mqttDefinition, pagerDutyDefinition, pagerDuty2Definition, opsGenie2Definition,
  teamsDefinition, discordDefinition, telegramDefinition, victorOpsDefinition,
  alertaDefinition, sensuDefinition, pushoverDefinition, snmpTrapDefinition, bigPandaDefinition, serviceNowDefinition, zenossDefinition,
]

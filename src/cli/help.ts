/** `kapacitor help [command]`: the command list, or one command's usage. */
import { DEFINE_TEMPLATE_USAGE } from './define-template.js'
import { DEFINE_TOPIC_HANDLER_USAGE } from './define-topic-handler.js'
import { DEFINE_USAGE } from './define.js'
import { DELETE_USAGE } from './delete.js'
import { DISABLE_USAGE } from './disable.js'
import { ENABLE_USAGE } from './enable.js'
import { LIST_USAGE } from './list.js'
import { PUSH_USAGE } from './push.js'
import { RECORD_USAGE } from './record.js'
import { START_RECORDING_USAGE, STOP_RECORDING_USAGE } from './recording-control.js'
import { EXPORT_RECORDING_USAGE, IMPORT_RECORDING_USAGE } from './recording-files.js'
import { RELOAD_USAGE } from './reload.js'
import { REPLAY_LIVE_USAGE, REPLAY_USAGE } from './replay.js'
import { SHOW_TEMPLATE_USAGE } from './show-template.js'
import { SHOW_TOPIC_HANDLER_USAGE } from './show-topic-handler.js'
import { SHOW_TOPIC_USAGE } from './show-topic.js'
import { SHOW_USAGE } from './show.js'
import { STATS_USAGE } from './stats.js'
import { VARS_USAGE } from './vars.js'
import { VERSION_USAGE } from './version.js'

export const HELP_USAGE = `Usage: kapacitor help [command]
`

export const MAIN_USAGE = `
Usage: kapacitor [options] [command] [args]

Commands:

	record                Record the result of a query or a snapshot of the current stream data.
	start-recording       Start recording every point written, until stop-recording.
	stop-recording        Stop a stream recording; prints RecordingID=<id>.
	export-recording      Write a recording to a Kapacitor .srpl/.brpl file.
	import-recording      Store a Kapacitor .srpl/.brpl recording file.
	define                Create/update a task (or define streamer|batcher --name ...).
	define-template       Create/update a template.
	define-topic-handler  Create/update an alert handler for a topic.
	replay                Replay a recording to a task.
	replay-live           Replay data against a task without recording it.
	enable                Enable and start running a task with live data.
	disable               Stop running a task.
	reload                Reload a running task with an updated task definition.
	push                  Publish a task definition to another Kapacitor instance and enable it there.
	delete                Delete tasks, templates, recordings, replays, topics or topic-handlers.
	list                  List information about tasks, templates, recordings, replays, topics or topic-handlers.
	show                  Display detailed information about a task.
	show-template         Display detailed information about a template.
	show-topic-handler    Display detailed information about an alert handler for a topic.
	show-topic            Display detailed information about an alert topic.
	stats                 Display various stats about Kapacitor.
	version               Displays the Kapacitor version info.
	vars                  Print debug vars in JSON format.
	help                  Prints help for a command.

Options:

  -url string
    	The URL http(s)://host:port of the kapacitord server. Defaults to the KAPACITOR_URL environment variable or http://localhost:9092 if not set.
  -skipVerify
    	Disable SSL verification (note, this is insecure). Defaults to the KAPACITOR_UNSAFE_SSL environment variable or false if not set.
`

export const USAGES: Readonly<Record<string, string>> = {
  record: RECORD_USAGE,
  'start-recording': START_RECORDING_USAGE,
  'stop-recording': STOP_RECORDING_USAGE,
  'export-recording': EXPORT_RECORDING_USAGE,
  'import-recording': IMPORT_RECORDING_USAGE,
  define: DEFINE_USAGE,
  'define-template': DEFINE_TEMPLATE_USAGE,
  'define-topic-handler': DEFINE_TOPIC_HANDLER_USAGE,
  replay: REPLAY_USAGE,
  'replay-live': REPLAY_LIVE_USAGE,
  enable: ENABLE_USAGE,
  disable: DISABLE_USAGE,
  reload: RELOAD_USAGE,
  push: PUSH_USAGE,
  delete: DELETE_USAGE,
  list: LIST_USAGE,
  show: SHOW_USAGE,
  'show-template': SHOW_TEMPLATE_USAGE,
  'show-topic-handler': SHOW_TOPIC_HANDLER_USAGE,
  'show-topic': SHOW_TOPIC_USAGE,
  stats: STATS_USAGE,
  version: VERSION_USAGE,
  vars: VARS_USAGE,
  help: HELP_USAGE,
}

export const COMMANDS: readonly string[] = Object.keys(USAGES)

/** The text `kapacitor help [command]` prints; undefined for an unknown command. */
export function helpText(command: string | undefined): string | undefined {
  if (command === undefined) return MAIN_USAGE
  return USAGES[command]
}

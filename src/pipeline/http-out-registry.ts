/**
 * The httpOut endpoints of running tasks: `GET /kapacitor/v1/tasks/<task>/<endpoint>`
 * reads from here. A task registers its endpoints when it starts and removes them when
 * it stops (Kapacitor adds and removes the routes the same way). Replays register under
 * their own scope so that a replay never shows in the live task's endpoints.
 */
export interface HttpOutSource {
  /** the current `models.Result` JSON */
  render(): string
}

export class HttpOutRegistry {
  private readonly byTask = new Map<string, Map<string, HttpOutSource>>()

  register(task: string, endpoint: string, source: HttpOutSource): void {
    let m = this.byTask.get(task)
    if (m === undefined) {
      m = new Map()
      this.byTask.set(task, m)
    }
    m.set(endpoint, source)
  }

  unregisterTask(task: string): void {
    this.byTask.delete(task)
  }

  get(task: string, endpoint: string): HttpOutSource | undefined {
    return this.byTask.get(task)?.get(endpoint)
  }

  endpoints(task: string): string[] {
    return [...(this.byTask.get(task)?.keys() ?? [])]
  }
}

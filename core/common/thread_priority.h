// Lower CPU priority for the threads and the local agent that work while a person watches.
#pragma once

namespace tandem::priority {

// How much nicer than the GUI the training pipeline's workers run (preprocessing, batch
// encoding, the local agent): TANDEM_WORKER_NICE=N (0 to 19). On a machine with few cores they
// compete with the GUI thread for CPUs; at nice 5 the scheduler weighs each at a third of a
// nice-0 thread, so the GUI thread gets a CPU promptly when it wakes. The default is 0, by
// measurement (bench-event-loop, README): once the dashboard stopped re-laying out its axes on
// every redraw, the GUI event loop's p99 was 5-7 ms at nice 0 and 3-4 ms at nice 5, but nice 5
// cost 10-15 % of the throughput on a machine shared with other nice-0 work in the same
// autogroup, to which a nicer pipeline yields. `tandem train` runs the same pipeline with the same
// priorities, so the app and the CLI stay comparable.
constexpr int kWorkerNice = 0;
[[nodiscard]] int workerNice();

// Lowers the calling thread's priority by `increment` nice levels (Linux: setpriority() on the
// thread's id, which on Linux is per thread). QThread::setPriority() cannot do this: under the
// default SCHED_OTHER policy Linux ignores the static priority it sets, so it has no effect.
// Threads created afterwards by this thread inherit the value. Elsewhere: does nothing. Returns
// whether the priority was changed.
bool lowerCurrentThread(int increment = workerNice());

// For a child process, between fork and exec (QProcess::setChildProcessModifier): the same for
// the process's only thread, which every thread it starts inherits. Async-signal-safe.
void lowerCurrentProcessInChild(int increment);

} // namespace tandem::priority

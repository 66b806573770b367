// Lower CPU priority for the threads and the local agent that work while a person watches.
#pragma once

namespace tandem::priority {

// How much nicer than the GUI the training pipeline's workers run (preprocessing, batch
// encoding, the local agent). On a machine with few cores they compete with the GUI thread for
// CPUs; at nice 5 the scheduler weighs them at a third of a nice-0 thread, so the GUI thread is
// let on a CPU promptly when it wakes, and since it needs little CPU, training still gets nearly
// all of it. `tandem train` runs the same pipeline with the same priorities, so the app and the
// CLI stay comparable; on a machine busy with other work, training yields to it.
// TANDEM_WORKER_NICE=N sets another increment (0: none), e.g. to compare.
constexpr int kWorkerNice = 5;
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

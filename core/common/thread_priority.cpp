#include "common/thread_priority.h"

#include <algorithm>

#if defined(Q_OS_LINUX) || defined(__linux__)
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#define TANDEM_HAS_THREAD_NICE 1
#endif

#include <QtGlobal>

namespace tandem::priority {

int workerNice()
{
    static const int nice = [] {
        bool ok = false;
        const int value = qEnvironmentVariableIntValue("TANDEM_WORKER_NICE", &ok);
        return ok ? std::clamp(value, 0, 19) : kWorkerNice;
    }();
    return nice;
}

bool lowerCurrentThread(int increment)
{
#ifdef TANDEM_HAS_THREAD_NICE
    // On Linux a "process" priority set on a thread id applies to that thread alone.
    if (increment <= 0)
        return false;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (current == -1 && errno != 0)
        return false;
    return ::setpriority(PRIO_PROCESS, tid, current + increment) == 0;
#else
    (void)increment;
    return false;
#endif
}

void lowerCurrentProcessInChild(int increment)
{
#ifdef TANDEM_HAS_THREAD_NICE
    // nice() is async-signal-safe enough here: one system call, no allocation.
    if (increment > 0)
        (void)::nice(increment);
#else
    (void)increment;
#endif
}

} // namespace tandem::priority

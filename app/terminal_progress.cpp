#include "terminal_progress.h"

#include "common/duration_format.h"

#include <unistd.h>

namespace tandem {

namespace {
constexpr int kBarWidth = 28;
constexpr int kRedrawMs = 100; // a terminal needs no more than ten frames a second
constexpr int kLogStepPercent = 10;

} // namespace

TerminalProgress::TerminalProgress(FILE *out) : m_out(out), m_tty(isatty(fileno(out)) == 1)
{
    m_clock.start();
}

void TerminalProgress::update(qint64 done, qint64 total, const QString &detail)
{
    const int percent = total > 0 ? int(100 * done / total) : 0;
    if (!m_tty) {
        if (percent / kLogStepPercent == m_lastLoggedPercent / kLogStepPercent && done < total)
            return;
        m_lastLoggedPercent = percent;
        std::fprintf(m_out, "%3d%%  %s\n", percent, qPrintable(detail));
        std::fflush(m_out);
        return;
    }
    if (m_clock.elapsed() - m_lastDrawMs < kRedrawMs && done < total)
        return;
    m_lastDrawMs = m_clock.elapsed();
    draw(done, total, detail);
}

void TerminalProgress::draw(qint64 done, qint64 total, const QString &detail)
{
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    const int filled = int(fraction * kBarWidth);
    QString bar = QString(filled, QChar(0x2588)) + QString(kBarWidth - filled, QChar(0x2591));
    QString eta = QStringLiteral("--:--");
    if (done > 0 && total > done)
        eta = formatDuration(double(m_clock.elapsed()) / 1000.0 * double(total - done) / double(done),
                             DurationStyle::Clock);
    std::fprintf(m_out, "\r\033[2K%s %3d%%  %s  ETA %s", qPrintable(bar), int(fraction * 100), qPrintable(detail),
                 qPrintable(eta));
    std::fflush(m_out);
    m_barShown = true;
}

void TerminalProgress::message(const QString &line)
{
    if (m_tty && m_barShown)
        std::fprintf(m_out, "\r\033[2K");
    std::fprintf(m_out, "%s\n", qPrintable(line));
    std::fflush(m_out);
    m_lastDrawMs = -1000; // redraw the bar below the message at the next update
}

void TerminalProgress::finish()
{
    if (m_tty && m_barShown)
        std::fprintf(m_out, "\n");
    m_barShown = false;
}

} // namespace tandem

// A one-line progress bar on a terminal, or a line every few percent when output is a log.
#pragma once

#include <QElapsedTimer>
#include <QString>

#include <cstdio>

namespace tandem {

class TerminalProgress {
public:
    explicit TerminalProgress(FILE *out = stderr);

    void update(qint64 done, qint64 total, const QString &detail);
    void message(const QString &line); // a line above the bar
    void finish();

private:
    void draw(qint64 done, qint64 total, const QString &detail);

    FILE *m_out;
    bool m_tty;
    bool m_barShown = false;
    int m_lastLoggedPercent = -1;
    QElapsedTimer m_clock;
    qint64 m_lastDrawMs = -1000;
};

} // namespace tandem

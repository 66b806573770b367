// The Python text of a ready "start the agent" cell for colab_agent/notebook/tandem_agent.ipynb.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace tandem {

// Each cell replaces the notebook's second cell, after its first cell has built the agent: it
// sets DIRECTION, DESKTOP_URL and SECRET and calls tandem_colab.start_agent() with them.
class NotebookCell {
public:
    // The agent dials out to url, where this app listens (through the user's tunnel, SSH forward
    // or address): the direction Colab's rules allow on managed runtimes.
    [[nodiscard]] static QString forDialOut(const QUrl &url, const QByteArray &secret);
    // The agent listens in the notebook; a cloudflared quick tunnel prints the wss:// URL to paste here.
    [[nodiscard]] static QString forListen(const QByteArray &secret);

    // text as a Python 3 string literal, pure ASCII: quotes, backslashes, control and non-ASCII
    // characters are escaped, so the literal survives any clipboard.
    [[nodiscard]] static QString pythonString(const QString &text);
};

} // namespace tandem

#include "notebook_cell.h"

namespace tandem {

namespace {

QString cell(const QString &direction, const QString &url, const QByteArray &secret, const QString &what)
{
    return QStringLiteral(
               "# Tandem %1: start the agent (%2).\n"
               "# Written by the Tandem app: paste it over the cell \"2. Start the agent\" of the Tandem notebook\n"
               "# (the app saves it: Help > Train on Colab), after its cell 1 built the agent. It holds this\n"
               "# session's secret: do not save or share the notebook with it.\n"
               "DIRECTION = %3\n"
               "DESKTOP_URL = %4\n"
               "SECRET = %5\n"
               "agent = tandem_colab.start_agent(DIRECTION, DESKTOP_URL, SECRET)\n")
        .arg(QStringLiteral(TANDEM_VERSION_STRING), what, NotebookCell::pythonString(direction),
             NotebookCell::pythonString(url), NotebookCell::pythonString(QString::fromUtf8(secret)));
}

} // namespace

QString NotebookCell::forDialOut(const QUrl &url, const QByteArray &secret)
{
    return cell(QStringLiteral("dial-out"), url.toString(QUrl::FullyEncoded), secret,
                QStringLiteral("it dials this app"));
}

QString NotebookCell::forListen(const QByteArray &secret)
{
    return cell(QStringLiteral("listen-tunnel"), QString(), secret,
                QStringLiteral("it listens behind a cloudflared tunnel and prints the wss:// URL for this app"));
}

QString NotebookCell::pythonString(const QString &text)
{
    QString out = QStringLiteral("\"");
    const QList<uint> codePoints = text.toUcs4();
    for (const uint c : codePoints) {
        if (c == '\\' || c == '"')
            out += QLatin1Char('\\') + QChar(char16_t(c));
        else if (c >= 0x20 && c < 0x7f)
            out += QChar(char16_t(c));
        else if (c < 0x100)
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        else if (c < 0x10000)
            out += QStringLiteral("\\u%1").arg(c, 4, 16, QLatin1Char('0'));
        else
            out += QStringLiteral("\\U%1").arg(c, 8, 16, QLatin1Char('0'));
    }
    out += QLatin1Char('"');
    return out;
}

} // namespace tandem

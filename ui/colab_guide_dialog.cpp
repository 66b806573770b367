#include "colab_guide_dialog.h"

#include "bundle/agent_bundle.h"
#include "bundle/notebook_cell.h"
#include "connection_panel.h"
#include "secret_field.h"
#include "theme.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

// Resources of a static library are registered explicitly, outside any namespace.
static void initColabResources()
{
    Q_INIT_RESOURCE(colab);
}

namespace tandem {

namespace {
constexpr auto kNotebookResource = ":/colab/tandem_agent.ipynb";

QLabel *wrapped(const QString &text, const QString &role = {})
{
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setOpenExternalLinks(true);
    if (!role.isEmpty())
        label->setProperty("role", role);
    return label;
}

// The public address the agent dials: a tunnel's https:// URL is the same host over wss://.
QString dialableUrl(QString url)
{
    url = url.trimmed();
    if (url.startsWith(QLatin1String("https://")))
        url.replace(0, 5, QStringLiteral("wss"));
    else if (url.startsWith(QLatin1String("http://")))
        url.replace(0, 4, QStringLiteral("ws"));
    return url;
}
} // namespace

ColabGuideDialog::ColabGuideDialog(ConnectionPanel *panel, QWidget *parent)
    : QDialog(parent), m_panel(panel), m_publicUrl(new QLineEdit)
{
    initColabResources();
    setWindowTitle(tr("Train on Colab"));
    setObjectName(QStringLiteral("colabGuide"));
    if (m_panel && m_panel->secretField()->secret().isEmpty())
        m_panel->secretField()->generate(); // both sides need the same secret; the panel keeps it

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setSpacing(10);

    auto *intro = wrapped(
        tr("<b>Recommended on Colab: the agent dials out to this app.</b> The notebook only opens an ordinary "
           "outgoing connection, which Colab allows. The other direction, the agent listening behind a tunnel "
           "started in the notebook, is at the end: Colab's FAQ disallows \"connecting to remote proxies\" on its "
           "managed runtimes, which a tunnel inside the notebook is."));
    intro->setObjectName(QStringLiteral("colabRecommended"));
    layout->addWidget(intro);

    // 1. The notebook.
    addStep(layout, tr("1. Save the notebook and open it in Colab"),
            tr("Save it anywhere, then in Colab: <i>File › Upload notebook</i>. Pick a GPU with "
               "<i>Runtime › Change runtime type</i>."));
    auto *save = new QPushButton(Theme::icon(QStringLiteral("save-session")), tr("Save Notebook…"));
    save->setObjectName(QStringLiteral("saveNotebook"));
    connect(save, &QPushButton::clicked, this, &ColabGuideDialog::saveNotebookInteractively);
    layout->addWidget(save, 0, Qt::AlignLeft);

    // 2. The agent's sources.
    addStep(layout, tr("2. Give the notebook the agent's sources, and run cell 1"),
            tr("Drop the agent bundle into the notebook's <i>Files</i> pane, then run cell 1: it builds "
               "tandem-agent against Colab's PyTorch (about 3 minutes) and shows the GPU."));
    auto *bundle = new QPushButton(tr("Export Agent Bundle…"));
    bundle->setObjectName(QStringLiteral("guideExportBundle"));
    connect(bundle, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export agent bundle"),
                                         QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                                             .filePath(QString::fromLatin1(AgentBundle::kFileName)),
                                         tr("Agent bundle (*.tar.gz)"));
        if (!path.isEmpty() && m_panel)
            m_panel->exportAgentBundle(path);
    });
    layout->addWidget(bundle, 0, Qt::AlignLeft);

    // 3. This app listens.
    m_listenCommand = addStep(layout, tr("3. Let this app wait for the agent"),
                              tr("The app listens on this port when you press Start. The same from a terminal:"),
                              QStringLiteral("copyListenCommand"));
    auto *useListen = new QPushButton(tr("Wait for the Agent Here"));
    useListen->setObjectName(QStringLiteral("useListenMode"));
    useListen->setToolTip(tr("Sets the connection panel to \"Wait for the agent to dial in\""));
    connect(useListen, &QPushButton::clicked, this, [this] {
        if (m_panel)
            m_panel->setMode(AgentMode::Listen);
        refresh();
    });
    layout->addWidget(useListen, 0, Qt::AlignLeft);

    // 4. Reachable from Colab.
    m_tunnelCommand =
        addStep(layout, tr("4. Make that port reachable from Colab"),
                tr("Run a tunnel <b>on this computer</b> (cloudflared needs no account) or an SSH reverse forward to a "
                   "server you control, and paste the address it prints below."),
                QStringLiteral("copyTunnelCommand"));
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(new QLabel(tr("Address Colab dials:")));
    m_publicUrl->setObjectName(QStringLiteral("publicUrl"));
    m_publicUrl->setPlaceholderText(QStringLiteral("https://name.trycloudflare.com"));
    m_publicUrl->setClearButtonEnabled(true);
    urlRow->addWidget(m_publicUrl, 1);
    layout->addLayout(urlRow);
    connect(m_publicUrl, &QLineEdit::textChanged, this, &ColabGuideDialog::refresh);

    // 5. The cell.
    m_dialOutCell = addStep(layout, tr("5. Paste this over cell 2 (\"Start the agent\") and run it"),
                            tr("It holds this app's secret: do not save or share the notebook with it."),
                            QStringLiteral("copyDialOutCell"));

    addStep(layout, tr("6. Press Start here"),
            tr("The run begins as soon as the agent has dialled in and both sides proved the secret; the agent "
               "dials again after each run."));

    // The other direction, last, with Colab's rule.
    auto *other = wrapped(tr("<b>The other direction: the agent listens in the notebook.</b> Cell 2 then starts a "
                             "cloudflared quick tunnel inside the notebook and prints a wss:// URL to paste into "
                             "<i>Connect to an agent at a URL</i>. <b>Colab's FAQ disallows this</b> (it is a "
                             "remote proxy on a managed runtime); use it only where running a tunnel is allowed."));
    other->setObjectName(QStringLiteral("colabOtherDirection"));
    layout->addSpacing(8);
    layout->addWidget(other);
    m_listenCell = addStep(layout, tr("Cell 2 for that direction"), QString(), QStringLiteral("copyListenCell"));
    layout->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *outer = new QVBoxLayout(this);
    outer->addWidget(scroll, 1);
    outer->addWidget(buttons);
    resize(760, 700);

    if (m_panel) {
        connect(m_panel, &ConnectionPanel::changed, this, &ColabGuideDialog::refresh);
        connect(m_panel->secretField(), &SecretField::secretChanged, this, &ColabGuideDialog::refresh);
    }
    refresh();
}

QPlainTextEdit *ColabGuideDialog::addStep(QVBoxLayout *layout, const QString &title, const QString &text,
                                          const QString &copyName)
{
    auto *heading = new QLabel(title);
    heading->setProperty("role", QStringLiteral("heading"));
    heading->setWordWrap(true);
    layout->addWidget(heading);
    if (!text.isEmpty())
        layout->addWidget(wrapped(text));
    if (copyName.isEmpty())
        return nullptr;
    auto *code = new QPlainTextEdit;
    code->setReadOnly(true);
    code->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // Lines as they will be pasted (no wrapping), and exactly as tall as they are: see fitHeight().
    code->setLineWrapMode(QPlainTextEdit::NoWrap);
    code->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto *copy = new QToolButton;
    copy->setObjectName(copyName);
    copy->setIcon(Theme::icon(QStringLiteral("copy")));
    copy->setText(tr("Copy"));
    copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    copy->setToolTip(tr("Copy this to the clipboard"));
    connect(copy, &QToolButton::clicked, this, [this, code] {
        QGuiApplication::clipboard()->setText(code->toPlainText());
        Q_EMIT notice(tr("Copied."));
    });
    auto *row = new QHBoxLayout;
    row->addWidget(code, 1);
    row->addWidget(copy, 0, Qt::AlignTop);
    layout->addLayout(row);
    m_copyables << code;
    return code;
}

void ColabGuideDialog::refresh()
{
    const QByteArray secret = m_panel ? m_panel->secretField()->secret() : QByteArray();
    const int port = m_panel ? m_panel->listenPort() : 8765;
    m_listenCommand->setPlainText(
        QStringLiteral("tandem train --data DATASET --agent listen:%1 --secret-file secret.txt").arg(port));
    m_tunnelCommand->setPlainText(QStringLiteral("cloudflared tunnel --url http://localhost:%1\n"
                                                 "# or: ssh -N -R 8765:127.0.0.1:%1 you@your-server")
                                      .arg(port));
    const QString url = dialableUrl(m_publicUrl->text());
    m_dialOutCell->setPlainText(
        NotebookCell::forDialOut(QUrl(url.isEmpty() ? QStringLiteral("wss://name.trycloudflare.com") : url), secret));
    m_listenCell->setPlainText(NotebookCell::forListen(secret));
    for (QPlainTextEdit *code : std::as_const(m_copyables))
        fitHeight(code);
}

// As tall as its lines plus a horizontal scroll bar's room: a command is never cut off at the bottom.
void ColabGuideDialog::fitHeight(QPlainTextEdit *code)
{
    const int lines = std::max(1, code->document()->blockCount());
    const QFontMetrics metrics(code->font());
    const int margins = int(2 * code->document()->documentMargin()) + 2 * code->frameWidth();
    code->setFixedHeight(lines * metrics.lineSpacing() + margins + code->horizontalScrollBar()->sizeHint().height());
}

void ColabGuideDialog::setPublicUrl(const QString &url)
{
    m_publicUrl->setText(url);
}

QStringList ColabGuideDialog::copyTexts() const
{
    QStringList texts;
    for (const QPlainTextEdit *code : m_copyables)
        texts << code->toPlainText();
    return texts;
}

QByteArray ColabGuideDialog::notebook()
{
    initColabResources();
    QFile file(QString::fromLatin1(kNotebookResource));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool ColabGuideDialog::saveNotebook(const QString &path, QString *error)
{
    const QByteArray bytes = notebook();
    if (bytes.isEmpty()) {
        *error = tr("this build of Tandem carries no notebook");
        return false;
    }
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = tr("cannot create the folder %1").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

void ColabGuideDialog::saveNotebookInteractively()
{
    const QString start = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("Tandem/tandem_agent.ipynb"));
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save the Colab notebook"), start, tr("Jupyter notebook (*.ipynb)"));
    if (path.isEmpty())
        return;
    QString error;
    if (saveNotebook(path, &error))
        Q_EMIT notice(tr("Notebook saved to %1: upload it in Colab (File › Upload notebook).")
                          .arg(QDir::toNativeSeparators(path)));
    else
        Q_EMIT notice(tr("Could not save the notebook to %1: %2").arg(QDir::toNativeSeparators(path), error));
}

} // namespace tandem

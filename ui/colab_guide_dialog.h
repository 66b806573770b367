// "Train on Colab": the steps from a blank notebook to a run, each with what to copy or save.
#pragma once

#include <QDialog>
#include <QPointer>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QVBoxLayout;
QT_END_NAMESPACE

namespace tandem {

class ConnectionPanel;

// The recommended direction (the agent in the notebook dials out to this app) comes first, step by
// step, each step with a Copy button for its command or cell, filled in with the secret and address
// the connection panel holds. The listen-behind-a-tunnel direction follows, marked as the one
// Colab's FAQ disallows. The notebook itself is a resource of the app and is saved from here.
class ColabGuideDialog : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColabGuideDialog)
public:
    explicit ColabGuideDialog(ConnectionPanel *panel, QWidget *parent = nullptr);

    // The notebook as the app carries it (the bytes of colab_agent/notebook/tandem_agent.ipynb).
    [[nodiscard]] static QByteArray notebook();
    // Writes the notebook to path, creating its folder; false with *error set on failure.
    [[nodiscard]] static bool saveNotebook(const QString &path, QString *error);

    // The text each step's Copy button puts on the clipboard, in order (tests read them).
    [[nodiscard]] QStringList copyTexts() const;
    // The address the agent dials (the user's tunnel or forward to this app's port).
    void setPublicUrl(const QString &url);

Q_SIGNALS:
    void notice(const QString &text);

private:
    QPlainTextEdit *addStep(QVBoxLayout *layout, const QString &title, const QString &text,
                            const QString &copyName = {});
    void refresh();
    static void fitHeight(QPlainTextEdit *code);
    void saveNotebookInteractively();

    QPointer<ConnectionPanel> m_panel;
    QLineEdit *m_publicUrl;
    QPlainTextEdit *m_listenCommand = nullptr;
    QPlainTextEdit *m_tunnelCommand = nullptr;
    QPlainTextEdit *m_dialOutCell = nullptr;
    QPlainTextEdit *m_listenCell = nullptr;
    QList<QPlainTextEdit *> m_copyables;
};

} // namespace tandem

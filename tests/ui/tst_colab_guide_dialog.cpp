// The "Train on Colab" guide: the notebook saved from the app, the recommended direction first, a
// Copy button per step with the panel's secret in the cell, reached from the connection panel.
#include "colab_guide_dialog.h"
#include "connection_panel.h"
#include "secret_field.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace tandem;

class TestColabGuideDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void notebookIsSavedFromTheAppIntoANewFolder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("not/there/yet/tandem_agent.ipynb"));
        QString error;
        QVERIFY2(ColabGuideDialog::saveNotebook(path, &error), qPrintable(error));
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray bytes = saved.readAll();
        QFile source(QStringLiteral(TANDEM_SOURCE_DIR "/colab_agent/notebook/tandem_agent.ipynb"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QCOMPARE(bytes, source.readAll()); // the resource is the notebook, not a copy that drifts
        const QJsonDocument json = QJsonDocument::fromJson(bytes);
        QVERIFY(json.isObject());
        QVERIFY(json.object().contains(QStringLiteral("cells")));
    }

    void savingWhereNoFolderCanBeMadeSaysWhy()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QString error;
        QVERIFY(!ColabGuideDialog::saveNotebook(dir.filePath(QStringLiteral("file/sub/x.ipynb")), &error));
        QVERIFY2(error.contains(QStringLiteral("folder")), qPrintable(error));
    }

    void recommendedDirectionComesFirstAndEachStepCopies()
    {
        ConnectionPanel panel;
        panel.secretField()->setSecret("guide-secret-0123456789abcdef");
        ColabGuideDialog guide(&panel);
        guide.setPublicUrl(QStringLiteral("https://cat-dog.trycloudflare.com"));

        const QString intro = guide.findChild<QLabel *>(QStringLiteral("colabRecommended"))->text();
        QVERIFY2(intro.contains(QStringLiteral("dials out")), qPrintable(intro));
        QVERIFY2(intro.contains(QStringLiteral("disallows")), qPrintable(intro));

        const QStringList texts = guide.copyTexts();
        QCOMPARE(texts.size(), 4);
        const QStringList buttons{QStringLiteral("copyListenCommand"), QStringLiteral("copyTunnelCommand"),
                                  QStringLiteral("copyDialOutCell"), QStringLiteral("copyListenCell")};
        for (int i = 0; i < buttons.size(); ++i) {
            auto *copy = guide.findChild<QToolButton *>(buttons[i]);
            QVERIFY2(copy, qPrintable(buttons[i]));
            QGuiApplication::clipboard()->clear();
            copy->click();
            QCOMPARE(QGuiApplication::clipboard()->text(), texts[i]);
        }
        // The dial-out cell (step 5) is filled in: direction, the tunnel's address as wss://, the secret.
        const QString cell = texts[2];
        QVERIFY2(cell.contains(QStringLiteral("DIRECTION = \"dial-out\"")), qPrintable(cell));
        QVERIFY2(cell.contains(QStringLiteral("\"wss://cat-dog.trycloudflare.com\"")), qPrintable(cell));
        QVERIFY2(cell.contains(QStringLiteral("guide-secret-0123456789abcdef")), qPrintable(cell));
        QVERIFY2(texts[1].contains(QStringLiteral("http://localhost:%1").arg(panel.listenPort())),
                 qPrintable(texts[1]));
        QVERIFY2(texts[3].contains(QStringLiteral("listen-tunnel")), qPrintable(texts[3]));
        // What the user pastes never sends them to a source tree.
        for (const QString &text : texts) {
            QVERIFY2(!text.contains(QStringLiteral("colab_agent/")), qPrintable(text));
            QVERIFY2(!text.contains(QStringLiteral("cell 2 of tandem_agent.ipynb")), qPrintable(text));
        }
        QVERIFY(cell.contains(QStringLiteral("Train on Colab"))); // it names where the app offers the notebook

        // "Wait for the agent here" switches the panel to the recommended direction.
        panel.setMode(AgentMode::Local);
        guide.findChild<QPushButton *>(QStringLiteral("useListenMode"))->click();
        QCOMPARE(panel.mode(), AgentMode::Listen);
    }

    void aSecretIsMadeWhenThePanelHasNone()
    {
        ConnectionPanel panel;
        QVERIFY(panel.secretField()->secret().isEmpty());
        ColabGuideDialog guide(&panel);
        const QByteArray secret = panel.secretField()->secret();
        QVERIFY(secret.size() >= 16);
        QVERIFY(guide.copyTexts().at(2).contains(QString::fromUtf8(secret)));
    }

    void reachedFromTheConnectionPanel()
    {
        QWidget window;
        auto *panel = new ConnectionPanel(&window);
        window.show();
        auto *button = panel->findChild<QPushButton *>(QStringLiteral("colabGuideButton"));
        QVERIFY(button);
        QVERIFY(button->isVisible()); // in every mode, the local one included
        button->click();
        auto *guide = window.findChild<ColabGuideDialog *>();
        QVERIFY(guide);
        QTRY_VERIFY(guide->isVisible());
        guide->close();
    }

    void dialModeSaysColabDisallowsItAndTheDialInCommandIsWhole()
    {
        ConnectionPanel panel;
        panel.resize(320, 600);
        panel.show();
        panel.setMode(AgentMode::Dial);
        auto *note = panel.findChild<QLabel *>(QStringLiteral("dialNotForColab"));
        QVERIFY(note && note->isVisible());
        QVERIFY(note->text().contains(QStringLiteral("Colab")));

        panel.setMode(AgentMode::Listen);
        panel.secretField()->setSecret("guide-secret-0123456789abcdef");
        auto *command = panel.findChild<QLabel *>(QStringLiteral("agentCommand"));
        QVERIFY(command && command->isVisible());
        QVERIFY(command->text().contains(QStringLiteral("--connect ws://")));
        QCoreApplication::processEvents();
        // Wrapped rather than cut off: the label is as tall as its text needs at this width.
        QVERIFY(command->wordWrap());
        QVERIFY2(command->height() >= command->heightForWidth(command->width()),
                 qPrintable(
                     QStringLiteral("%1 < %2").arg(command->height()).arg(command->heightForWidth(command->width()))));
        QVERIFY(command->geometry().right() <= panel.width());
    }
};

QTEST_MAIN(TestColabGuideDialog)
#include "tst_colab_guide_dialog.moc"

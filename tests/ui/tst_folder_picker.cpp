// The export folder picker takes a folder that does not exist yet, and creates it.
#include "folder_picker.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace tandem;

class TestFolderPicker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The dialog as a person uses it: a new name typed, Choose.
    void acceptsAFolderThatDoesNotExistYet()
    {
        const QString wanted = m_dir.filePath(QStringLiteral("reports/2026-12"));
        QVERIFY(!QFileInfo::exists(wanted));
        QTimer::singleShot(0, this, [this, wanted] {
            auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            if (!dialog) {
                for (QWidget *top : QApplication::topLevelWidgets())
                    if (auto *d = qobject_cast<QFileDialog *>(top); d && d->isVisible())
                        dialog = d;
            }
            QVERIFY(dialog);
            dialog->selectFile(wanted);
            static_cast<QDialog *>(dialog)->accept(); // Choose, as the button does
        });
        QString error;
        const QString chosen = FolderPicker::choose(nullptr, QStringLiteral("Export"), m_dir.path(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(QFileInfo(chosen).absoluteFilePath(), QFileInfo(wanted).absoluteFilePath());
        QVERIFY(QFileInfo(wanted).isDir());
    }

    void aFileInTheWayIsNamed()
    {
        const QString path = m_dir.filePath(QStringLiteral("taken"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QString error;
        QVERIFY(!FolderPicker::create(path, &error));
        QVERIFY2(error.contains(QStringLiteral("is a file, not a folder")), qPrintable(error));
        QVERIFY(!FolderPicker::create(path + QStringLiteral("/below"), &error));
        QVERIFY2(error.contains(QStringLiteral("cannot create")), qPrintable(error));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestFolderPicker)
#include "tst_folder_picker.moc"

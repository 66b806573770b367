// Shared by the tests of ui/: small datasets of real photographs, written on the fly.
#pragma once

#include "theme.h"

#include <QColor>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QTest>
#include <QUrl>

#include <memory>

namespace uitest {

// What every UI suite does first: QStandardPaths' test folders (never the user's settings or data)
// and the light theme the pixel checks expect.
inline void startUi()
{
    QStandardPaths::setTestModeEnabled(true);
    tandem::Theme::apply(tandem::Theme::Mode::Light);
}

// The ids of this process's children named name (their /proc/PID/comm), to kill a real agent.
inline QList<qint64> childProcesses(const QString &name)
{
    QList<qint64> ids;
    const qint64 self = QCoreApplication::applicationPid();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "PID (COMM) STATE PPID ...": COMM may hold spaces, so split after the last ')'.
        const QByteArray line = stat.readAll();
        const qsizetype open = line.indexOf('('), close = line.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QString comm = QString::fromUtf8(line.mid(open + 1, close - open - 1));
        const QList<QByteArray> rest = line.mid(close + 2).split(' ');
        if (comm == name && rest.size() > 1 && rest.at(1).toLongLong() == self)
            ids << pid;
    }
    return ids;
}

// A real photograph (Debian's mate-backgrounds, the nature set) scaled to size: each class starts
// from its own photo and each index shifts to the next one, so classes differ visibly and crops and
// flips show. Fails the calling test, rather than painting a stand-in, when the package is missing.
inline QImage classImage(int label, int index, QSize size = QSize(96, 64))
{
    static const QStringList photos = [] {
        QStringList paths;
        const QDir dir(QStringLiteral("/usr/share/backgrounds/mate/nature"));
        for (const QString &name : dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name))
            paths << dir.filePath(name);
        return paths;
    }();
    static QHash<int, QImage> decoded; // each photo is decoded once per test process
    if (photos.isEmpty())
        qFatal("no photographs in /usr/share/backgrounds/mate/nature: install mate-backgrounds");
    const int which = (label * 5 + index) % int(photos.size());
    if (!decoded.contains(which)) {
        const QImage photo(photos[which]);
        if (photo.isNull())
            qFatal("cannot read %s", qPrintable(photos[which]));
        decoded.insert(which, photo.scaled(640, 400, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
    return decoded.value(which)
        .scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
        .convertToFormat(QImage::Format_RGB888);
}

// ROOT/train/<class>/<n>.png and ROOT/val/<class>/<n>.png; returns the root.
inline QString writeTinyDataset(const QString &root, int classes, int trainPerClass, int valPerClass)
{
    for (const auto &[split, count] :
         {std::pair{QStringLiteral("train"), trainPerClass}, std::pair{QStringLiteral("val"), valPerClass}}) {
        for (int c = 0; c < classes; ++c) {
            const QString dir = QDir(root).filePath(QStringLiteral("%1/class_%2").arg(split).arg(c));
            QDir().mkpath(dir);
            for (int i = 0; i < count; ++i)
                classImage(c, i).save(QDir(dir).filePath(QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'))));
        }
    }
    return root;
}

} // namespace uitest

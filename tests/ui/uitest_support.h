// Shared by the tests of ui/: small datasets written on the fly, and a real agent process.
#pragma once

#include <QColor>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QTest>
#include <QUrl>

#include <memory>

namespace uitest {

// A picture that differs visibly from one class to the next and along x (so crops and flips show).
inline QImage classImage(int label, int index, QSize size = QSize(96, 64))
{
    QImage image(size, QImage::Format_RGB888);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            image.setPixelColor(
                x, y, QColor::fromHsv((label * 67 + x * 2) % 360, 120 + (y * 2) % 120, 90 + (x * 150) / size.width()));
    QPainter p(&image);
    p.setBrush(Qt::white);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPoint(size.width() / 4 + index % 7, size.height() / 2), size.height() / 5, size.height() / 5);
    return image;
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

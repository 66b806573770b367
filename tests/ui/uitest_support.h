// Shared by the tests of ui/: small datasets written on the fly, and a real agent process.
#pragma once

#include "dataset/fashion_mnist_exporter.h"

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
            image.setPixelColor(x, y, QColor::fromHsv((label * 67 + x * 2) % 360, 120 + (y * 2) % 120, 90 + (x * 150) / size.width()));
    QPainter p(&image);
    p.setBrush(Qt::white);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPoint(size.width() / 4 + index % 7, size.height() / 2), size.height() / 5, size.height() / 5);
    return image;
}

// ROOT/train/<class>/<n>.png and ROOT/val/<class>/<n>.png; returns the root.
inline QString writeTinyDataset(const QString &root, int classes, int trainPerClass, int valPerClass)
{
    for (const auto &[split, count] : {std::pair{QStringLiteral("train"), trainPerClass}, std::pair{QStringLiteral("val"), valPerClass}}) {
        for (int c = 0; c < classes; ++c) {
            const QString dir = QDir(root).filePath(QStringLiteral("%1/class_%2").arg(split).arg(c));
            QDir().mkpath(dir);
            for (int i = 0; i < count; ++i)
                classImage(c, i).save(QDir(dir).filePath(QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'))));
        }
    }
    return root;
}

// Fashion-MNIST (Debian's dataset-fashion-mnist) as PNG class folders; empty on success, else why.
inline QString writeFashionMnist(const QString &root, int trainPerClass, int valPerClass)
{
    tandem::FashionMnistExportOptions options;
    options.trainPerClass = trainPerClass;
    options.valPerClass = valPerClass;
    const auto result = tandem::FashionMnistExporter::exportTo(root, options);
    return result.ok() ? QString() : result.error;
}

// tandem-agent --listen 127.0.0.1:0 with TANDEM_SECRET=secret; url() once it printed where it listens.
class AgentProcess {
public:
    AgentProcess(const QString &program, const QByteArray &secret)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_SECRET"), QString::fromUtf8(secret));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(program, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--device"), QStringLiteral("cpu")});
    }
    ~AgentProcess()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    // Waits for "tandem-agent listening on ws://127.0.0.1:PORT".
    QUrl waitForUrl(int timeoutMs = 20000)
    {
        static const QRegularExpression pattern(QStringLiteral("listening on (ws://\\S+)"));
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(200);
            m_output += QString::fromUtf8(m_process.readAll());
            const auto match = pattern.match(m_output);
            if (match.hasMatch())
                return QUrl(match.captured(1));
        }
        return {};
    }
    [[nodiscard]] QString output() const { return m_output; }
    // As a crashed or preempted machine would: no Goodbye, the socket just goes.
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

private:
    QProcess m_process;
    QString m_output;
};

} // namespace uitest

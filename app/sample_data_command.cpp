#include "sample_data_command.h"

#include "dataset/fashion_mnist_exporter.h"
#include "terminal_progress.h"

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>

namespace tandem {

int runSampleDataCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Writes Fashion-MNIST from Debian's dataset-fashion-mnist package as PNG files in class folders "
                       "(OUT/train/<class>/, OUT/val/<class>/). Existing files are kept."));
    p.addHelpOption();
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Output folder."), QStringLiteral("DIR"));
    const QCommandLineOption train(QStringLiteral("train-per-class"),
                                   QStringLiteral("Training images per class (default 500, 0 = all 6000)."),
                                   QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption val(QStringLiteral("val-per-class"),
                                 QStringLiteral("Validation images per class (default 100, 0 = all 1000)."),
                                 QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption source(QStringLiteral("source"), QStringLiteral("Folder of the idx .gz files."),
                                    QStringLiteral("DIR"), FashionMnistExportOptions{}.sourceDir);
    p.addOptions({out, train, val, source});
    p.process(arguments);
    if (!p.isSet(out)) {
        std::fprintf(stderr, "tandem sample-data: --out DIR is required\n");
        return 2;
    }
    FashionMnistExportOptions options;
    options.sourceDir = p.value(source);
    bool okTrain = false;
    bool okVal = false;
    options.trainPerClass = p.value(train).toInt(&okTrain);
    options.valPerClass = p.value(val).toInt(&okVal);
    if (!okTrain || !okVal || options.trainPerClass < 0 || options.valPerClass < 0) {
        std::fprintf(stderr, "tandem sample-data: per-class counts must be whole numbers ≥ 0\n");
        return 2;
    }
    TerminalProgress bar;
    const FashionMnistExportResult result =
        FashionMnistExporter::exportTo(p.value(out), options, nullptr, [&bar](qint64 done, qint64 total) {
            bar.update(done, total, QStringLiteral("writing PNG files"));
        });
    bar.finish();
    if (!result.ok()) {
        std::fprintf(stderr, "tandem sample-data: %s\n", qPrintable(result.error));
        return 1;
    }
    std::printf("%s: %d training and %d validation images in %d classes (%d written now)\n",
                qPrintable(QDir::toNativeSeparators(QDir(p.value(out)).absolutePath())), result.trainFiles,
                result.valFiles, int(FashionMnistExporter::classNames().size()), result.written);
    return 0;
}

} // namespace tandem

// record-batches: writes wire batches made by the desktop client's own pipeline (DatasetIndex →
// EpochPlan → BatchProducer: decode, resize/crop, colour, wire encoder) to a file that
// replay_batches.py sends to tandem-agent. Only full training batches are kept.
//
// File: "TNDMREC1", u32 length + JSON header (class names, shape, batch size), then for each batch
// u32 length + one encoded Batch message exactly as TrainingSession hands it to the socket.
#include "dataset/dataset_index.h"
#include "session/batch_producer.h"
#include "session/epoch_plan.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QtEndian>

#include <cstdio>

namespace {

constexpr char kMagic[] = "TNDMREC1";
constexpr int kMaxEpochs = 1000; // the producer loops epochs until enough full batches came out

void appendSized(QSaveFile &out, const QByteArray &data)
{
    char size[4];
    qToLittleEndian(quint32(data.size()), size);
    out.write(size, 4);
    out.write(data);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Records wire batches of the Tandem client's pipeline for replay_batches.py."));
    p.addHelpOption();
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Dataset folder (class folders)."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Recording to write."), QStringLiteral("FILE"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Square input size (default 224)."),
                                  QStringLiteral("N"), QStringLiteral("224"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."),
                                   QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption batches(QStringLiteral("batches"), QStringLiteral("Full batches to record (default 3)."),
                                     QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Preprocessing threads (default all)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    p.addOptions({data, out, size, batch, batches, threads});
    p.process(app);
    if (!p.isSet(data) || !p.isSet(out)) {
        std::fprintf(stderr, "record-batches: --data DIR and --out FILE are required\n");
        return 2;
    }
    const int side = p.value(size).toInt();
    const int batchSize = p.value(batch).toInt();
    const int wanted = p.value(batches).toInt();
    if (side < 8 || side > 4096 || batchSize < 1 || batchSize > 4096 || wanted < 1) {
        std::fprintf(stderr, "record-batches: --size, --batch or --batches out of range\n");
        return 2;
    }

    tandem::DatasetIndexOptions indexOptions;
    indexOptions.valFraction = 0.0;
    const tandem::DatasetIndex index = tandem::DatasetIndex::scan(p.value(data), indexOptions);
    if (!index.error().isEmpty()) {
        std::fprintf(stderr, "record-batches: %s\n", qPrintable(index.error()));
        return 1;
    }
    auto plan = std::make_shared<tandem::EpochPlan>(index, batchSize, 0);
    if (plan->sampleCount(tandem::SampleSplit::Train) < batchSize) {
        std::fprintf(stderr, "record-batches: %lld training images, fewer than one batch of %d\n",
                     qlonglong(plan->sampleCount(tandem::SampleSplit::Train)), batchSize);
        return 1;
    }

    // The preprocessing of a `tandem train --size N --crop random --flip` run.
    tandem::ProducerPlan settings;
    settings.epochs = kMaxEpochs;
    settings.train.width = settings.train.height = side;
    settings.train.crop = tandem::PreprocessOptions::Crop::RandomResized;
    settings.train.horizontalFlip = true;
    settings.val = settings.train;
    settings.threads = p.value(threads).toInt();
    tandem::BatchProducer producer(plan, settings);

    QSaveFile file(p.value(out));
    if (!file.open(QIODevice::WriteOnly)) {
        std::fprintf(stderr, "record-batches: cannot write %s: %s\n", qPrintable(p.value(out)),
                     qPrintable(file.errorString()));
        return 1;
    }
    QJsonObject header{{QStringLiteral("classNames"), QJsonArray::fromStringList(index.classNames())},
                       {QStringLiteral("channels"), settings.train.channels()},
                       {QStringLiteral("height"), side},
                       {QStringLiteral("width"), side},
                       {QStringLiteral("batchSize"), batchSize},
                       {QStringLiteral("dataset"), QFileInfo(p.value(data)).absoluteFilePath()},
                       {QStringLiteral("preprocessing"), settings.train.toJson()}};
    file.write(kMagic, 8);
    appendSized(file, QJsonDocument(header).toJson(QJsonDocument::Compact));

    int recorded = 0;
    int failures = 0;
    QEventLoop loop;
    auto drain = [&] {
        while (auto item = producer.tryTake()) {
            failures += int(item->failures.size());
            if (item->kind == tandem::ProducedItem::Kind::Finished) {
                loop.quit();
                return;
            }
            if (item->kind != tandem::ProducedItem::Kind::Batch || item->split != tandem::protocol::Split::Train ||
                item->samples != batchSize || recorded >= wanted)
                continue;
            appendSized(file, item->encoded);
            std::printf("batch %d: %lld bytes\n", ++recorded, qlonglong(item->encoded.size()));
            if (recorded == wanted) {
                producer.cancel();
                loop.quit();
                return;
            }
        }
    };
    QObject::connect(&producer, &tandem::BatchProducer::itemReady, &loop, drain, Qt::QueuedConnection);
    producer.start();
    drain();
    if (recorded < wanted)
        loop.exec();
    producer.cancel();
    if (recorded < wanted || !file.commit()) {
        std::fprintf(stderr, "record-batches: recorded %d of %d batches (%d images failed)\n", recorded, wanted,
                     failures);
        return 1;
    }
    std::printf("wrote %d batches of %d×%d×%d×%d to %s\n", recorded, batchSize, side, side, settings.train.channels(),
                qPrintable(p.value(out)));
    return 0;
}

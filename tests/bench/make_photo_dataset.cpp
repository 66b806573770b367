// make-photo-dataset: a class-per-folder dataset of real photographs at ImageNet's typical size, for
// the link benchmark (tests/bench/link_bench.sh). Never a test.
//
//   make-photo-dataset --out DIR [--per-class N] [--classes K] [--seed S] [PHOTO_DIR]
//
// Each class is one JPEG photograph of Debian's mate-backgrounds (PHOTO_DIR; the largest file of
// each picture, so that the same picture at two sizes does not make two classes); its samples are
// seeded random crops of 20–60 % of the photo's shorter side, resized to 500 × 375 (or 375 × 500)
// and written as JPEG quality 90, as ImageNet's photos are. train/ gets N, val/ N / 5.
#include "common/seeded_random.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("out"), QStringLiteral("Dataset folder to write."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("per-class"), QStringLiteral("Training images per class."), QStringLiteral("N"),
                      QStringLiteral("100")});
    parser.addOption({QStringLiteral("classes"), QStringLiteral("Classes (photographs)."), QStringLiteral("K"),
                      QStringLiteral("10")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Seed of the crops."), QStringLiteral("S"), QStringLiteral("11")});
    parser.addPositionalArgument(QStringLiteral("PHOTO_DIR"), QStringLiteral("Photos (default: mate-backgrounds)."));
    parser.process(app);
    const QString out = parser.value(QStringLiteral("out"));
    const int perClass = parser.value(QStringLiteral("per-class")).toInt();
    const int classes = parser.value(QStringLiteral("classes")).toInt();
    if (out.isEmpty() || perClass < 1 || classes < 2) {
        std::fprintf(stderr, "make-photo-dataset: --out DIR, --per-class ≥ 1 and --classes ≥ 2 are needed\n");
        return 2;
    }
    const QString photos = parser.positionalArguments().value(0, QStringLiteral("/usr/share/backgrounds/mate"));

    // One file per picture: "Elephants.jpg" and "Elephants_3840x2160.jpg" are one picture.
    std::map<QString, QFileInfo> pictures;
    QDirIterator it(photos, {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo file(it.next());
        const QString picture = file.completeBaseName().section(QLatin1Char('_'), 0, 0);
        auto &best = pictures[picture];
        if (!best.exists() || file.size() > best.size())
            best = file;
    }
    if (int(pictures.size()) < classes) {
        std::fprintf(stderr, "make-photo-dataset: %s has %zu distinct JPEG photographs, %d classes asked\n",
                     qPrintable(photos), pictures.size(), classes);
        return 1;
    }

    tandem::SeededRandom random(parser.value(QStringLiteral("seed")).toULongLong());
    int written = 0;
    int index = 0;
    for (const auto &[picture, file] : pictures) {
        if (index++ >= classes)
            break;
        const cv::Mat photo = cv::imread(file.filePath().toStdString(), cv::IMREAD_COLOR);
        if (photo.empty()) {
            std::fprintf(stderr, "make-photo-dataset: cannot decode %s\n", qPrintable(file.filePath()));
            return 1;
        }
        for (const char *split : {"train", "val"}) {
            const int count = QLatin1String(split) == QLatin1String("train") ? perClass : std::max(1, perClass / 5);
            const QString folder = QDir(out).filePath(QStringLiteral("%1/%2").arg(QLatin1String(split), picture));
            if (!QDir().mkpath(folder)) {
                std::fprintf(stderr, "make-photo-dataset: cannot create %s\n", qPrintable(folder));
                return 1;
            }
            for (int i = 0; i < count; ++i) {
                const bool landscape = random.coin() || random.coin(); // 3 in 4, as in ImageNet
                const double aspect = landscape ? 4.0 / 3.0 : 3.0 / 4.0;
                const int shorter = std::min(photo.cols, photo.rows);
                const int h = std::min(photo.rows, int(shorter * random.uniform(0.2, 0.6)));
                const int w = std::min(photo.cols, int(h * aspect));
                const cv::Rect box(int(random.below(quint64(photo.cols - w + 1))),
                                   int(random.below(quint64(photo.rows - h + 1))), w, h);
                cv::Mat sample;
                cv::resize(photo(box), sample, landscape ? cv::Size(500, 375) : cv::Size(375, 500), 0, 0,
                           cv::INTER_AREA);
                const QString path = QDir(folder).filePath(QStringLiteral("%1.jpg").arg(i, 5, 10, QLatin1Char('0')));
                if (!cv::imwrite(path.toStdString(), sample, {cv::IMWRITE_JPEG_QUALITY, 90})) {
                    std::fprintf(stderr, "make-photo-dataset: cannot write %s\n", qPrintable(path));
                    return 1;
                }
                ++written;
            }
        }
    }
    std::printf("wrote %d photos in %d classes to %s\n", written, classes, qPrintable(out));
    return 0;
}

#include "sample_data.h"

#include "dataset/fashion_mnist_exporter.h"

#include <QtGlobal>

namespace testsupport {

QString fashionMnist(int trainPerClass, int valPerClass)
{
    const QString dir = QStringLiteral(TANDEM_TEST_DATA_DIR "/fashion-mnist-%1-%2").arg(trainPerClass).arg(valPerClass);
    tandem::FashionMnistExportOptions options;
    options.trainPerClass = trainPerClass;
    options.valPerClass = valPerClass;
    const auto result = tandem::FashionMnistExporter::exportTo(dir, options);
    if (!result.ok())
        qFatal("cannot write the Fashion-MNIST sample: %s", qPrintable(result.error));
    return dir;
}

} // namespace testsupport

#include "preprocess/preprocess_options.h"

#include <QJsonValue>
#include <QStringList>

namespace tandem {

namespace {
const QString kRgb = QStringLiteral("rgb");
const QString kGray = QStringLiteral("gray");
const QString kCenter = QStringLiteral("center");
const QString kRandomResized = QStringLiteral("random_resized");

struct JsonReader {
    const QJsonObject &json;
    QStringList problems;

    void readInt(const char *key, int &target, int low, int high)
    {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        const double number = value.toDouble(-1e300);
        if (!value.isDouble() || number != double(qint64(number)) || number < low || number > high) {
            problems << QStringLiteral("%1 must be an integer in %2..%3").arg(QLatin1String(key)).arg(low).arg(high);
            return;
        }
        target = int(number);
    }

    void readInt64(const char *key, qint64 &target, qint64 low)
    {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        if (!value.isDouble() || value.toDouble() < double(low)) {
            problems << QStringLiteral("%1 must be a number of at least %2").arg(QLatin1String(key)).arg(low);
            return;
        }
        target = value.toInteger(target);
    }

    void readDouble(const char *key, double &target, double low, double high)
    {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        if (!value.isDouble() || value.toDouble() < low || value.toDouble() > high) {
            problems << QStringLiteral("%1 must be a number in %2..%3").arg(QLatin1String(key)).arg(low).arg(high);
            return;
        }
        target = value.toDouble();
    }

    void readBool(const char *key, bool &target)
    {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        if (!value.isBool()) {
            problems << QStringLiteral("%1 must be true or false").arg(QLatin1String(key));
            return;
        }
        target = value.toBool();
    }

    template <typename Enum>
    void readEnum(const char *key, Enum &target, const QString &first, Enum firstValue, const QString &second,
                  Enum secondValue)
    {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        const QString text = value.toString();
        if (text == first)
            target = firstValue;
        else if (text == second)
            target = secondValue;
        else
            problems << QStringLiteral("%1 must be \"%2\" or \"%3\"").arg(QLatin1String(key), first, second);
    }
};
} // namespace

QString PreprocessOptions::validate() const
{
    QStringList problems;
    if (width < 1 || width > kMaxSide)
        problems << QStringLiteral("width %1 is out of 1..%2").arg(width).arg(kMaxSide);
    if (height < 1 || height > kMaxSide)
        problems << QStringLiteral("height %1 is out of 1..%2").arg(height).arg(kMaxSide);
    if (!(resizeShorter >= 0 && resizeShorter <= 4.0 * kMaxSide))
        problems
            << QStringLiteral("resize of the shorter side %1 is out of 0..%2").arg(resizeShorter).arg(4 * kMaxSide);
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1))
        problems << QStringLiteral("crop scale %1..%2 is not within 0..1").arg(scaleMin).arg(scaleMax);
    if (!(ratioMin > 0 && ratioMin <= ratioMax && ratioMax < 100))
        problems << QStringLiteral("crop aspect ratio %1..%2 is not valid").arg(ratioMin).arg(ratioMax);
    if (maxPixels < 1)
        problems << QStringLiteral("pixel limit %1 must be positive").arg(maxPixels);
    if (maxFileBytes < 1)
        problems << QStringLiteral("file size limit %1 must be positive").arg(maxFileBytes);
    return problems.join(QStringLiteral("; "));
}

QJsonObject PreprocessOptions::toJson() const
{
    return QJsonObject{
        {QStringLiteral("width"), width},
        {QStringLiteral("height"), height},
        {QStringLiteral("color"), color == Color::Rgb ? kRgb : kGray},
        {QStringLiteral("crop"), crop == Crop::Center ? kCenter : kRandomResized},
        {QStringLiteral("resizeShorter"), resizeShorter},
        {QStringLiteral("scaleMin"), scaleMin},
        {QStringLiteral("scaleMax"), scaleMax},
        {QStringLiteral("ratioMin"), ratioMin},
        {QStringLiteral("ratioMax"), ratioMax},
        {QStringLiteral("horizontalFlip"), horizontalFlip},
        {QStringLiteral("reducedDecode"), reducedDecode},
        {QStringLiteral("maxPixels"), maxPixels},
        {QStringLiteral("maxFileBytes"), maxFileBytes},
    };
}

PreprocessOptions PreprocessOptions::fromJson(const QJsonObject &json, QString *error)
{
    PreprocessOptions options;
    JsonReader reader{json, {}};
    reader.readInt("width", options.width, 1, kMaxSide);
    reader.readInt("height", options.height, 1, kMaxSide);
    reader.readEnum("color", options.color, kRgb, Color::Rgb, kGray, Color::Gray);
    reader.readEnum("crop", options.crop, kCenter, Crop::Center, kRandomResized, Crop::RandomResized);
    reader.readDouble("resizeShorter", options.resizeShorter, 0, 4.0 * kMaxSide);
    reader.readDouble("scaleMin", options.scaleMin, 1e-6, 1);
    reader.readDouble("scaleMax", options.scaleMax, 1e-6, 1);
    reader.readDouble("ratioMin", options.ratioMin, 1e-3, 100);
    reader.readDouble("ratioMax", options.ratioMax, 1e-3, 100);
    reader.readBool("horizontalFlip", options.horizontalFlip);
    reader.readBool("reducedDecode", options.reducedDecode);
    reader.readInt64("maxPixels", options.maxPixels, 1);
    reader.readInt64("maxFileBytes", options.maxFileBytes, 1);

    // Pairs that are individually valid but inconsistent fall back to the defaults together.
    const PreprocessOptions defaults;
    if (options.scaleMin > options.scaleMax) {
        reader.problems << QStringLiteral("scaleMin is above scaleMax");
        options.scaleMin = defaults.scaleMin;
        options.scaleMax = defaults.scaleMax;
    }
    if (options.ratioMin > options.ratioMax) {
        reader.problems << QStringLiteral("ratioMin is above ratioMax");
        options.ratioMin = defaults.ratioMin;
        options.ratioMax = defaults.ratioMax;
    }
    if (error)
        *error = reader.problems.join(QStringLiteral("; "));
    return options;
}

bool PreprocessOptions::operator==(const PreprocessOptions &other) const
{
    return width == other.width && height == other.height && color == other.color && crop == other.crop &&
           resizeShorter == other.resizeShorter && scaleMin == other.scaleMin && scaleMax == other.scaleMax &&
           ratioMin == other.ratioMin && ratioMax == other.ratioMax && horizontalFlip == other.horizontalFlip &&
           reducedDecode == other.reducedDecode && maxPixels == other.maxPixels && maxFileBytes == other.maxFileBytes;
}

} // namespace tandem

// A small class-per-folder dataset of real photographs, with planted copies, for the curation tests.
#pragma once

#include "test_images.h"

#include <QDir>
#include <QFileInfo>
#include <QString>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace curationtest {

// Writes a photo scaled to maxSide into dir/relativePath as a JPEG of the given quality.
inline bool writePhoto(const QString &root, const QString &relativePath, const char *photo, int maxSide,
                       int quality = 90)
{
    const cv::Mat image = TestImages::loadPhoto(photo, maxSide);
    const QString path = QDir(root).filePath(relativePath);
    QDir().mkpath(QFileInfo(path).absolutePath());
    return !image.empty() && TestImages::writeFile(path, TestImages::encode(image, ".jpg", quality));
}

// The same photograph re-encoded at another quality and resized to scale (the "planted" near copy).
inline bool writeNearCopy(const QString &root, const QString &relativePath, const char *photo, int maxSide, int quality,
                          double scale)
{
    cv::Mat image = TestImages::loadPhoto(photo, maxSide);
    if (image.empty())
        return false;
    cv::resize(image, image, cv::Size(), scale, scale, cv::INTER_AREA);
    const QString path = QDir(root).filePath(relativePath);
    QDir().mkpath(QFileInfo(path).absolutePath());
    return TestImages::writeFile(path, TestImages::encode(image, ".jpg", quality));
}

inline bool copyFile(const QString &root, const QString &from, const QString &to)
{
    const QString target = QDir(root).filePath(to);
    QDir().mkpath(QFileInfo(target).absolutePath());
    return QFile::copy(QDir(root).filePath(from), target);
}

// root/train/{flowers,landscapes}/... and root/val/{flowers,landscapes}/..., eight distinct photos.
inline bool writeDistinctDataset(const QString &root, int maxSide = 320)
{
    return writePhoto(root, QStringLiteral("train/flowers/fresh.jpg"), "FreshFlower.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("train/flowers/yellow.jpg"), "YellowFlower.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("train/flowers/ladybird.jpg"), "LadyBird.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("train/landscapes/dune.jpg"), "Dune.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("train/landscapes/meadow.jpg"), "GreenMeadow.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("train/landscapes/storm.jpg"), "Storm.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("val/flowers/garden.jpg"), "Garden.jpg", maxSide) &&
           writePhoto(root, QStringLiteral("val/landscapes/aqua.jpg"), "Aqua.jpg", maxSide);
}

} // namespace curationtest

// The per-epoch part of preprocessing, in base-image pixels: shared by the client (which draws it and
// executes it with OpenCV, core/preprocess), the wire (core/protocol) and the agent (which executes it
// with libtorch). Qt Core only.
#pragma once

#include <QRectF>

namespace tandem {

// Drawn on the client, executed wherever the base image is: crop `box` (in base-image pixels, sub-pixel;
// pixel i covers [i, i + 1)) resized to the training size, then mirrored left-right when flip.
struct AugmentParams {
    QRectF box;
    bool flip = false;

    [[nodiscard]] bool operator==(const AugmentParams &other) const { return box == other.box && flip == other.flip; }
};

} // namespace tandem

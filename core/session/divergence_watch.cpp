#include "divergence_watch.h"

#include <QLocale>

#include <cmath>

namespace tandem {

void DivergenceWatch::reset()
{
    *this = DivergenceWatch{};
}

void DivergenceWatch::acknowledge()
{
    m_reported = false;
    if (std::isfinite(m_last)) {
        m_first = m_last; // going on from here: a further tenfold rise is news again
        m_haveFirst = true;
    } else {
        m_haveFirst = false; // a NaN cannot be a reference: the next finite loss is
    }
}

QString DivergenceWatch::add(double loss, qint64 step)
{
    m_last = loss;
    if (m_reported)
        return {};
    if (std::isnan(loss)) {
        m_reported = true;
        return QStringLiteral("the loss became NaN at step %1").arg(step);
    }
    if (std::isinf(loss)) {
        m_reported = true;
        return QStringLiteral("the loss became infinite at step %1").arg(step);
    }
    if (!m_haveFirst) {
        m_first = loss;
        m_haveFirst = true;
        return {};
    }
    if (m_first > 0.0 && loss > kFactor * m_first) {
        m_reported = true;
        return QStringLiteral("the loss rose to %1 at step %2, more than %3 times its first value (%4)")
            .arg(QLocale::c().toString(loss, 'g', 5))
            .arg(step)
            .arg(kFactor, 0, 'f', 0)
            .arg(QLocale::c().toString(m_first, 'g', 4));
    }
    return {};
}

} // namespace tandem

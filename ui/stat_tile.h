// One figure on the dashboard: a caption, a large value and a line of detail.
#pragma once

#include <QFrame>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace tandem {

class StatTile : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatTile)
public:
    explicit StatTile(const QString &caption, QWidget *parent = nullptr);

    void setValue(const QString &value, const QString &detail = {});
    [[nodiscard]] QString value() const;

private:
    QLabel *m_caption;
    QLabel *m_value;
    QLabel *m_detail;
};

} // namespace tandem

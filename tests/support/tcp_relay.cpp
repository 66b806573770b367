#include "tcp_relay.h"

#include <algorithm>

TcpRelay::TcpRelay(QHostAddress target, quint16 targetPort, QObject *parent)
    : QObject(parent), m_target(std::move(target)), m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TcpRelay::onNewConnection);
    m_ticker.setInterval(5);
    connect(&m_ticker, &QTimer::timeout, this, &TcpRelay::onTick);
}

void TcpRelay::setRate(qint64 bytesPerSecond)
{
    m_rate = std::max<qint64>(bytesPerSecond, 0);
    if (m_rate > 0) {
        m_sinceTick.start();
        m_ticker.start();
    } else {
        m_ticker.stop();
    }
}

// Each tick forwards what the rate allows since the last one. The sockets' read buffers are small
// (below), so what waits beyond them waits in the kernel and then in the sender.
void TcpRelay::onTick()
{
    const qint64 budget = std::max<qint64>(1, m_rate * m_sinceTick.restart() / 1000);
    for (const auto &pair : m_pairs) {
        if (!pair->downstream || !pair->upstream || pair->upstream->state() != QAbstractSocket::ConnectedState)
            continue;
        forward(pair->downstream, pair->upstream, budget);
        forward(pair->upstream, pair->downstream, budget);
    }
}

TcpRelay::~TcpRelay()
{
    cut();
}

bool TcpRelay::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

int TcpRelay::open() const
{
    int count = 0;
    for (const auto &pair : m_pairs)
        if (pair->downstream && pair->downstream->state() == QAbstractSocket::ConnectedState)
            ++count;
    return count;
}

void TcpRelay::cut()
{
    for (const auto &pair : m_pairs)
        for (QTcpSocket *socket : {pair->downstream.data(), pair->upstream.data()})
            if (socket)
                socket->abort();
    m_pairs.clear();
}

void TcpRelay::onNewConnection()
{
    while (QTcpSocket *downstream = m_server.nextPendingConnection()) {
        ++m_accepted;
        auto pair = std::make_unique<Pair>();
        pair->downstream = downstream;
        downstream->setParent(this);
        auto *upstream = new QTcpSocket(this);
        pair->upstream = upstream;
        if (m_rate > 0) {
            constexpr qint64 kReadBuffer = 64 * 1024;
            downstream->setReadBufferSize(kReadBuffer);
            upstream->setReadBufferSize(kReadBuffer);
            // Loopback's kernel buffers grow to megabytes; a slow link's are what its queue holds.
            downstream->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, int(kReadBuffer));
        }
        // Until the upstream connects, the downstream's bytes wait in its read buffer.
        connect(upstream, &QTcpSocket::connected, this, [this, downstream, upstream] {
            if (m_rate == 0)
                forward(downstream, upstream);
            Q_EMIT connectionRelayed();
        });
        connect(downstream, &QTcpSocket::readyRead, this, [this, downstream, upstream] {
            if (upstream->state() == QAbstractSocket::ConnectedState)
                forward(downstream, upstream);
        });
        connect(upstream, &QTcpSocket::readyRead, this,
                [this, downstream, upstream] { forward(upstream, downstream); });
        // One side closing closes the other, as a relay (or a tunnel) would.
        connect(downstream, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
        connect(upstream, &QTcpSocket::disconnected, downstream, &QTcpSocket::disconnectFromHost);
        connect(upstream, &QTcpSocket::errorOccurred, downstream,
                [downstream](QAbstractSocket::SocketError) { downstream->abort(); });
        upstream->connectToHost(m_target, m_targetPort);
        m_pairs.push_back(std::move(pair));
    }
}

void TcpRelay::forward(QTcpSocket *from, QTcpSocket *to, qint64 most)
{
    const QByteArray bytes = most < 0 ? from->readAll() : from->read(most);
    if (m_frozen || bytes.isEmpty())
        return;
    m_forwarded += bytes.size();
    to->write(bytes);
}

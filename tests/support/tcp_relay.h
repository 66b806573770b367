// Test support: a real TCP relay on 127.0.0.1 between a client and a server, that a test can cut
// (both sides see the connection go, as when a tunnel restarts), freeze (bytes stop flowing but no
// side is told: a half-open connection, as when a NAT or a gateway forgets it) or slow down to a
// rate (with TCP's own back-pressure: the relay reads no faster, so the sender's buffers fill, as
// behind a slow link). Runs on the thread that creates it. For the fault-injection tests of issue 12
// and the slow-link tests of issue 11.
#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>
#include <vector>

class TcpRelay : public QObject {
    Q_OBJECT

public:
    // Relays every connection accepted on 127.0.0.1 (port 0: any free one) to target:targetPort.
    TcpRelay(QHostAddress target, quint16 targetPort, QObject *parent = nullptr);
    ~TcpRelay() override;

    [[nodiscard]] bool listen(quint16 port = 0);
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }

    // Aborts every relayed connection on both sides (RST), and keeps accepting new ones.
    void cut();
    // Frozen: bytes from either side are read and dropped, nothing is closed. Unfreezing does not
    // bring the lost bytes back: the stream is broken, as a half-open connection's is.
    void setFrozen(bool frozen) { m_frozen = frozen; }
    // At most this many bytes a second in each direction; 0: as fast as loopback. Set before the
    // connections it should apply to are accepted.
    void setRate(qint64 bytesPerSecond);

    [[nodiscard]] int accepted() const { return m_accepted; }
    [[nodiscard]] int open() const;
    [[nodiscard]] qint64 forwardedBytes() const { return m_forwarded; }

Q_SIGNALS:
    void connectionRelayed();

private:
    struct Pair {
        QPointer<QTcpSocket> downstream; // the side that connected to the relay
        QPointer<QTcpSocket> upstream;   // the relay's connection to the target
    };
    void onNewConnection();
    void forward(QTcpSocket *from, QTcpSocket *to, qint64 most = -1);
    void onTick();

    QHostAddress m_target;
    quint16 m_targetPort;
    QTcpServer m_server;
    std::vector<std::unique_ptr<Pair>> m_pairs;
    bool m_frozen = false;
    qint64 m_rate = 0;
    QTimer m_ticker;
    QElapsedTimer m_sinceTick;
    int m_accepted = 0;
    qint64 m_forwarded = 0;
};

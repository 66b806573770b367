// Tests of core/protocol/handshake (and the proofs of core/protocol/auth it exchanges): mutual
// authentication over the wire codec, wrong secrets, reflected proofs and out-of-order messages.
#include "auth.h"
#include "handshake.h"
#include "wire_codec.h"

#include <QTest>

#include <deque>

namespace tandem::protocol {
char *toString(ErrorCode code)
{
    return qstrdup(QByteArray::number(int(code)).constData());
}
} // namespace tandem::protocol

using namespace tandem::protocol;

namespace {

const QByteArray kSecret = QByteArrayLiteral("correct-horse-battery-staple-0123456789");

// Messages fed in order to a fresh Handshake of role `self` (a data column).
struct Script {
    Role self = Role::Agent;
    std::vector<Message> messages;
};

Hello helloFrom(Role role, char nonceByte = 'n', quint16 minVersion = kProtocolVersion,
                quint16 maxVersion = kProtocolVersion)
{
    return Hello{minVersion, maxVersion, role, QByteArray(kNonceBytes, nonceByte), QStringLiteral("peer 9.9")};
}

// What the peer sent, as the receiver sees it: through encode and decode.
Message overTheWire(const Message &message)
{
    const DecodeResult result = decode(encode(message));
    return result.ok() ? *result.message : Message{Error{ErrorCode::Internal, result.detail}};
}

// The client's proof a fresh agent expects, built the way a correct client builds it, with
// one ingredient changed per row of the proof table.
struct ProofRecipe {
    bool rightSecret = true;
    Role role = Role::Client;
    bool swapNonces = false;
    bool staleVerifierNonce = false; // a nonce of an earlier session, as in a replay
};

} // namespace

Q_DECLARE_METATYPE(Script)
Q_DECLARE_METATYPE(ProofRecipe)

class TestHandshake : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helloAnnouncesSelf_data();
    void helloAnnouncesSelf();
    void authenticatesBothWays_data();
    void authenticatesBothWays();
    void agentProvesOnlyAfterTheClient();
    void wrongSecretFailsOnTheVerifier_data();
    void wrongSecretFailsOnTheVerifier();
    void agentVerifiesProofs_data();
    void agentVerifiesProofs();
    void reflectedProofFails();
    void proofIsHmacSha256OfTheDocumentedInput_data();
    void proofIsHmacSha256OfTheDocumentedInput();
    void rejects_data();
    void rejects();
    void secondProofAfterAuthentication();
    void versionRanges_data();
    void versionRanges();
};

void TestHandshake::helloAnnouncesSelf_data()
{
    QTest::addColumn<Role>("role");
    QTest::addColumn<QString>("software");
    QTest::newRow("client") << Role::Client << QStringLiteral("tandem " TANDEM_VERSION_STRING);
    QTest::newRow("agent") << Role::Agent << QStringLiteral("tandem-agent " TANDEM_VERSION_STRING);
}

void TestHandshake::helloAnnouncesSelf()
{
    QFETCH(Role, role);
    QFETCH(QString, software);
    const Handshake a(role, kSecret);
    const Handshake b(role, kSecret);
    const Hello hello = a.hello();
    QCOMPARE(hello.role, role);
    QCOMPARE(hello.minVersion, kProtocolVersion);
    QCOMPARE(hello.maxVersion, kProtocolVersion);
    QCOMPARE(hello.software, software);
    QCOMPARE(hello.nonce.size(), kNonceBytes);
    QCOMPARE(a.hello().nonce, hello.nonce);  // one nonce per connection
    QVERIFY(b.hello().nonce != hello.nonce); // fresh for every connection
    QVERIFY(!a.isAuthenticated());
}

void TestHandshake::authenticatesBothWays_data()
{
    QTest::addColumn<bool>("agentHelloFirst");
    QTest::newRow("agent's Hello arrives first") << true;
    QTest::newRow("client's Hello arrives first") << false;
}

void TestHandshake::authenticatesBothWays()
{
    QFETCH(bool, agentHelloFirst);
    Handshake client(Role::Client, kSecret);
    Handshake agent(Role::Agent, kSecret);
    std::deque<QByteArray> toAgent{encode(client.hello())};
    std::deque<QByteArray> toClient{encode(agent.hello())};
    QStringList trace; // "client<-Hello", ...

    bool clientTurn = agentHelloFirst;
    for (int guard = 0; guard < 10 && (!toAgent.empty() || !toClient.empty()); ++guard, clientTurn = !clientTurn) {
        std::deque<QByteArray> &inbox = clientTurn ? toClient : toAgent;
        std::deque<QByteArray> &outbox = clientTurn ? toAgent : toClient;
        Handshake &receiver = clientTurn ? client : agent;
        while (!inbox.empty()) {
            const DecodeResult decoded = decode(inbox.front());
            inbox.pop_front();
            QVERIFY2(decoded.ok(), qPrintable(decoded.detail));
            trace << QStringLiteral("%1<-%2").arg(clientTurn ? QStringLiteral("client") : QStringLiteral("agent"),
                                                  QLatin1String(typeName(typeOf(*decoded.message))));
            const Handshake::Step step = receiver.onMessage(*decoded.message);
            QVERIFY2(!step.error, step.error ? qPrintable(step.error->message) : "");
            if (step.reply)
                outbox.push_back(encode(*step.reply));
        }
    }
    QVERIFY(client.isAuthenticated());
    QVERIFY(agent.isAuthenticated());
    QCOMPARE(client.peerSoftware(), QStringLiteral("tandem-agent " TANDEM_VERSION_STRING));
    QCOMPARE(agent.peerSoftware(), QStringLiteral("tandem " TANDEM_VERSION_STRING));
    QCOMPARE(trace.count(QStringLiteral("client<-Hello")), 1);
    QCOMPARE(trace.count(QStringLiteral("agent<-Hello")), 1);
    QCOMPARE(trace.count(QStringLiteral("client<-AuthProof")), 1);
    QCOMPARE(trace.count(QStringLiteral("agent<-AuthProof")), 1);
    QVERIFY2(trace.indexOf(QStringLiteral("agent<-AuthProof")) < trace.indexOf(QStringLiteral("client<-AuthProof")),
             qPrintable(trace.join(QLatin1Char(' '))));
}

void TestHandshake::agentProvesOnlyAfterTheClient()
{
    Handshake client(Role::Client, kSecret);
    Handshake agent(Role::Agent, kSecret);

    const Handshake::Step onClientHello = agent.onMessage(overTheWire(client.hello()));
    QVERIFY(!onClientHello.error);
    QVERIFY(!onClientHello.reply); // nothing revealed to a peer that has not proved itself
    QVERIFY(!onClientHello.authenticated);

    const Handshake::Step onAgentHello = client.onMessage(overTheWire(agent.hello()));
    QVERIFY(!onAgentHello.error);
    QVERIFY(onAgentHello.reply);
    QVERIFY(std::holds_alternative<AuthProof>(*onAgentHello.reply));
    QVERIFY(!onAgentHello.authenticated);
    QCOMPARE(std::get<AuthProof>(*onAgentHello.reply).mac,
             auth::proof(kSecret, Role::Client, agent.hello().nonce, client.hello().nonce));

    const Handshake::Step onClientProof = agent.onMessage(overTheWire(*onAgentHello.reply));
    QVERIFY(!onClientProof.error);
    QVERIFY(onClientProof.authenticated);
    QVERIFY(agent.isAuthenticated());
    QVERIFY(onClientProof.reply);
    QCOMPARE(std::get<AuthProof>(*onClientProof.reply).mac,
             auth::proof(kSecret, Role::Agent, client.hello().nonce, agent.hello().nonce));

    QVERIFY(!client.isAuthenticated());
    const Handshake::Step onAgentProof = client.onMessage(overTheWire(*onClientProof.reply));
    QVERIFY(!onAgentProof.error);
    QVERIFY(onAgentProof.authenticated);
    QVERIFY(!onAgentProof.reply);
    QVERIFY(client.isAuthenticated());
}

void TestHandshake::wrongSecretFailsOnTheVerifier_data()
{
    QTest::addColumn<bool>("clientHasWrongSecret");
    QTest::newRow("client with a wrong secret: the agent rejects it") << true;
    QTest::newRow("agent with a wrong secret: the client rejects it") << false;
}

void TestHandshake::wrongSecretFailsOnTheVerifier()
{
    QFETCH(bool, clientHasWrongSecret);
    const QByteArray other = auth::generateSecret();
    Handshake client(Role::Client, clientHasWrongSecret ? other : kSecret);
    // The agent's proof is only reachable after the client's verified, so an agent with a wrong
    // secret is simulated by an agent that accepts any client.
    Handshake agent(Role::Agent, kSecret);
    Handshake impostorAgent(Role::Agent, other);

    QVERIFY(!agent.onMessage(overTheWire(client.hello())).error);
    const Handshake::Step clientProof = client.onMessage(overTheWire(agent.hello()));
    QVERIFY(clientProof.reply);
    const Handshake::Step verdict = agent.onMessage(overTheWire(*clientProof.reply));
    if (clientHasWrongSecret) {
        QVERIFY(verdict.error);
        QCOMPARE(verdict.error->code, ErrorCode::AuthFailed);
        QCOMPARE(verdict.error->message,
                 QStringLiteral("wrong secret: the client could not prove it knows this session's secret"));
        QVERIFY(!verdict.reply); // no proof for a client that failed
        QVERIFY(!verdict.authenticated);
        QVERIFY(!agent.isAuthenticated());
        return;
    }
    QVERIFY(verdict.authenticated);

    const AuthProof forged{auth::proof(other, Role::Agent, client.hello().nonce, agent.hello().nonce)};
    const Handshake::Step clientVerdict = client.onMessage(overTheWire(forged));
    QVERIFY(clientVerdict.error);
    QCOMPARE(clientVerdict.error->code, ErrorCode::AuthFailed);
    QCOMPARE(clientVerdict.error->message,
             QStringLiteral("wrong secret: the agent could not prove it knows this session's secret"));
    QVERIFY(!clientVerdict.authenticated);
    QVERIFY(!client.isAuthenticated());
}

void TestHandshake::agentVerifiesProofs_data()
{
    QTest::addColumn<ProofRecipe>("recipe");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("correct proof") << ProofRecipe{} << true;
    QTest::newRow("wrong secret") << ProofRecipe{false, Role::Client, false, false} << false;
    QTest::newRow("agent's role bound in") << ProofRecipe{true, Role::Agent, false, false} << false;
    QTest::newRow("nonces swapped") << ProofRecipe{true, Role::Client, true, false} << false;
    QTest::newRow("replayed from another session") << ProofRecipe{true, Role::Client, false, true} << false;
}

void TestHandshake::agentVerifiesProofs()
{
    QFETCH(ProofRecipe, recipe);
    QFETCH(bool, accepted);

    Handshake agent(Role::Agent, kSecret);
    const Hello clientHello = helloFrom(Role::Client, 'c');
    QVERIFY(!agent.onMessage(overTheWire(clientHello)).error);

    const QByteArray secret = recipe.rightSecret ? kSecret : QByteArrayLiteral("not the secret");
    QByteArray verifierNonce =
        recipe.staleVerifierNonce ? Handshake(Role::Agent, kSecret).hello().nonce : agent.hello().nonce;
    QByteArray proverNonce = clientHello.nonce;
    if (recipe.swapNonces)
        std::swap(verifierNonce, proverNonce);
    const Handshake::Step step =
        agent.onMessage(overTheWire(AuthProof{auth::proof(secret, recipe.role, verifierNonce, proverNonce)}));
    QCOMPARE(step.authenticated, accepted);
    QCOMPARE(agent.isAuthenticated(), accepted);
    QCOMPARE(bool(step.error), !accepted);
    if (!accepted)
        QCOMPARE(step.error->code, ErrorCode::AuthFailed);
}

void TestHandshake::reflectedProofFails()
{
    // An impostor agent, without the secret, sends the client's own proof back as its proof.
    Handshake client(Role::Client, kSecret);
    const Hello impostorHello = helloFrom(Role::Agent, 'i');
    const Handshake::Step clientProof = client.onMessage(overTheWire(impostorHello));
    QVERIFY(clientProof.reply);
    const Handshake::Step verdict = client.onMessage(overTheWire(*clientProof.reply));
    QVERIFY(verdict.error);
    QCOMPARE(verdict.error->code, ErrorCode::AuthFailed);
    QVERIFY(!client.isAuthenticated());

    // The agent never proves first, so there is no agent proof to reflect; its own Hello
    // reflected back at it is refused for its role.
    Handshake agent(Role::Agent, kSecret);
    const Handshake::Step reflectedHello = agent.onMessage(overTheWire(agent.hello()));
    QVERIFY(reflectedHello.error);
    QCOMPARE(reflectedHello.error->code, ErrorCode::UnexpectedMessage);
    QVERIFY(!agent.isAuthenticated());
}

void TestHandshake::proofIsHmacSha256OfTheDocumentedInput_data()
{
    QTest::addColumn<Role>("prover");
    QTest::addColumn<QByteArray>("expectedHex");
    // HMAC-SHA256(key, "tandem-auth-v1" | role byte | verifier nonce | prover nonce), computed
    // independently (Python's hmac module); PROTOCOL.md quotes the same vectors.
    QTest::newRow("client proves (role 1)")
        << Role::Client << QByteArray("379a332c84a6f896616d001b55be0d93b76d0eafd38a6fcc130c3c7a1c3337d8");
    QTest::newRow("agent proves (role 2)")
        << Role::Agent << QByteArray("a661af60ead6958ea5c69e94a48eaff8a2f96872b22caf99b3ec1ad26053daab");
}

void TestHandshake::proofIsHmacSha256OfTheDocumentedInput()
{
    QFETCH(Role, prover);
    QFETCH(QByteArray, expectedHex);
    const QByteArray verifierNonce(kNonceBytes, 'v');
    const QByteArray proverNonce(kNonceBytes, 'p');
    const QByteArray mac = auth::proof(kSecret, prover, verifierNonce, proverNonce);
    QCOMPARE(mac.size(), kProofBytes);
    QCOMPARE(mac.toHex(), expectedHex);
    QVERIFY(auth::verify(kSecret, prover, verifierNonce, proverNonce, QByteArray::fromHex(expectedHex)));
    QVERIFY(!auth::verify(kSecret, prover, verifierNonce, proverNonce, mac.left(kProofBytes - 1)));
    QByteArray flipped = mac;
    flipped[kProofBytes - 1] = char(flipped[kProofBytes - 1] ^ 1);
    QVERIFY(!auth::verify(kSecret, prover, verifierNonce, proverNonce, flipped));
}

void TestHandshake::rejects_data()
{
    QTest::addColumn<Script>("script"); // every message but the last is accepted
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");

    const Hello fromClient = helloFrom(Role::Client);
    const Hello fromAgent = helloFrom(Role::Agent);
    Batch batch;
    batch.channels = 1;
    batch.height = 1;
    batch.width = 1;
    batch.labels = {0};
    batch.contentIds = {0};
    batch.pixels = QByteArray(1, '\0');
    const Fragment fragment{1, 0, 2, 100, QByteArray(50, 'f')};
    const AuthProof proof{QByteArray(kProofBytes, 'p')};

    QTest::newRow("AuthProof before Hello")
        << Script{Role::Agent, {proof}} << ErrorCode::UnexpectedMessage << "AuthProof before Hello";
    QTest::newRow("Batch before Hello") << Script{Role::Agent, {batch}} << ErrorCode::UnexpectedMessage
                                        << "Batch before authentication";
    QTest::newRow("SessionConfig before the proof")
        << Script{Role::Agent, {fromClient, SessionConfigMessage{"{}"}}} << ErrorCode::UnexpectedMessage
        << "SessionConfig before authentication";
    QTest::newRow("Credit before the agent's proof") << Script{Role::Client, {fromAgent, Credit{1}}}
                                                     << ErrorCode::UnexpectedMessage << "Credit before authentication";
    QTest::newRow("Ping before authentication")
        << Script{Role::Client, {Ping{1}}} << ErrorCode::UnexpectedMessage << "Ping before authentication";
    QTest::newRow("Fragment before authentication") << Script{Role::Agent, {fromClient, fragment}}
                                                    << ErrorCode::UnexpectedMessage << "Fragment before authentication";
    QTest::newRow("second Hello") << Script{Role::Agent, {fromClient, fromClient}} << ErrorCode::UnexpectedMessage
                                  << "a second Hello during the handshake";
    QTest::newRow("agent meets an agent") << Script{Role::Agent, {fromAgent}} << ErrorCode::UnexpectedMessage
                                          << "expected a client on the other end, found an agent";
    QTest::newRow("client meets a client") << Script{Role::Client, {fromClient}} << ErrorCode::UnexpectedMessage
                                           << "expected an agent on the other end, found a client";
    QTest::newRow("versions 2-3") << Script{Role::Agent, {helloFrom(Role::Client, 'n', 2, 3)}}
                                  << ErrorCode::IncompatibleVersion
                                  << "peer 9.9 speaks protocol versions 2–3, this agent speaks 1";
    QTest::newRow("versions 0-0") << Script{Role::Client, {helloFrom(Role::Agent, 'n', 0, 0)}}
                                  << ErrorCode::IncompatibleVersion
                                  << "peer 9.9 speaks protocol versions 0–0, this client speaks 1";
    QTest::newRow("wrong proof") << Script{Role::Agent, {fromClient, proof}} << ErrorCode::AuthFailed
                                 << "wrong secret: the client could not prove it knows this session's secret";
}

void TestHandshake::rejects()
{
    QFETCH(Script, script);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);

    for (const Message &m : script.messages)
        QVERIFY2(decode(encode(m)).ok(), typeName(typeOf(m))); // the table holds valid messages only
    Handshake handshake(script.self, kSecret);
    for (size_t i = 0; i + 1 < script.messages.size(); ++i) {
        const Handshake::Step step = handshake.onMessage(overTheWire(script.messages[i]));
        QVERIFY2(!step.error, step.error ? qPrintable(step.error->message) : "");
    }
    const Handshake::Step step = handshake.onMessage(overTheWire(script.messages.back()));
    QVERIFY(step.error);
    QCOMPARE(step.error->code, code);
    QCOMPARE(step.error->message, message);
    QVERIFY(!step.reply);
    QVERIFY(!step.authenticated);
    QVERIFY(!handshake.isAuthenticated());
}

void TestHandshake::secondProofAfterAuthentication()
{
    Handshake client(Role::Client, kSecret);
    Handshake agent(Role::Agent, kSecret);
    QVERIFY(!agent.onMessage(client.hello()).error);
    const Handshake::Step proof = client.onMessage(agent.hello());
    QVERIFY(proof.reply);
    QVERIFY(agent.onMessage(*proof.reply).authenticated);
    const Handshake::Step again = agent.onMessage(*proof.reply);
    QVERIFY(again.error);
    QCOMPARE(again.error->code, ErrorCode::UnexpectedMessage);
    QCOMPARE(again.error->message, QStringLiteral("a second AuthProof"));
    QVERIFY(agent.isAuthenticated()); // a confused peer does not undo the verification
}

void TestHandshake::versionRanges_data()
{
    QTest::addColumn<int>("minVersion");
    QTest::addColumn<int>("maxVersion");
    QTest::addColumn<bool>("compatible");
    QTest::newRow("1..1") << 1 << 1 << true;
    QTest::newRow("0..1") << 0 << 1 << true;
    QTest::newRow("1..7") << 1 << 7 << true;
    QTest::newRow("2..7") << 2 << 7 << false;
    QTest::newRow("0..0") << 0 << 0 << false;
}

void TestHandshake::versionRanges()
{
    QFETCH(int, minVersion);
    QFETCH(int, maxVersion);
    QFETCH(bool, compatible);
    Handshake client(Role::Client, kSecret);
    const Handshake::Step step =
        client.onMessage(helloFrom(Role::Agent, 'a', quint16(minVersion), quint16(maxVersion)));
    QCOMPARE(!step.error, compatible);
    QCOMPARE(bool(step.reply), compatible);
    if (!compatible)
        QCOMPARE(step.error->code, ErrorCode::IncompatibleVersion);
}

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"

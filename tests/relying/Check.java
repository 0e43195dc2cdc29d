// SPDX-License-Identifier: Apache-2.0
// The Java relying party (OpenJDK 17, nothing else): CertificateFactory, CertPathValidator
// (PKIX; with the profile's policy required; with PKIXRevocationChecker on the CRL and on the
// live OCSP responder named in the certificate), and an OCSP request of its own, sent by GET and
// by POST, whose answer it verifies itself. It also checks a certificate's identifyData VID the
// way a Korean bank does, from the KISA rule (KCAC.TS.SIVID):
//   VID = SHA-256(SHA-256(DER(SEQUENCE { PrintableString idn, BIT STRING R })))
// with its own small DER reader, not dojang's code.
//   java Check good|revoked CASES.tsv
// Prints "ARTEFACT CASE ok|FAIL why|-" per check.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

public final class Check {
    static final String IDENTIFY_DATA = "1.2.410.200004.10.1.1";
    static final String VID = "1.2.410.200004.10.1.1.1";
    static final String SHA256 = "2.16.840.1.101.3.4.2.1";
    static final CertificateFactory X509;

    static {
        try {
            X509 = CertificateFactory.getInstance("X.509");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One DER element: tag, where its header and content are, and its children. */
    static final class Der {
        final byte[] buf;
        final int tag, start, content, end;

        Der(byte[] buf, int at) {
            this.buf = buf;
            this.start = at;
            this.tag = buf[at++] & 0xff;
            if ((tag & 0x1f) == 0x1f) throw new IllegalArgumentException("high tag numbers");
            int length = buf[at++] & 0xff;
            if (length > 0x80) {
                int n = length - 0x80;
                if (n > 3) throw new IllegalArgumentException("length too long");
                length = 0;
                for (int i = 0; i < n; i++) length = (length << 8) | (buf[at++] & 0xff);
            } else if (length == 0x80) {
                throw new IllegalArgumentException("indefinite length");
            }
            this.content = at;
            this.end = at + length;
            if (end > buf.length) throw new IllegalArgumentException("truncated");
        }

        static Der of(byte[] der) {
            Der d = new Der(der, 0);
            if (d.end != der.length) throw new IllegalArgumentException("trailing bytes");
            return d;
        }

        List<Der> children() {
            List<Der> list = new ArrayList<>();
            for (int at = content; at < end; ) {
                Der child = new Der(buf, at);
                list.add(child);
                at = child.end;
            }
            return list;
        }

        Der child(int i) { return children().get(i); }
        byte[] value() { return Arrays.copyOfRange(buf, content, end); }
        byte[] encoded() { return Arrays.copyOfRange(buf, start, end); }

        String oid() {
            if (tag != 0x06) throw new IllegalArgumentException("not an OID: tag " + tag);
            StringBuilder text = new StringBuilder();
            BigInteger arc = BigInteger.ZERO;
            boolean first = true;
            for (int i = content; i < end; i++) {
                arc = arc.shiftLeft(7).or(BigInteger.valueOf(buf[i] & 0x7f));
                if ((buf[i] & 0x80) == 0) {
                    if (first) {
                        int x = arc.compareTo(BigInteger.valueOf(80)) >= 0 ? 2 : arc.intValue() / 40;
                        text.append(x).append('.').append(arc.subtract(BigInteger.valueOf(40L * x)));
                        first = false;
                    } else {
                        text.append('.').append(arc);
                    }
                    arc = BigInteger.ZERO;
                }
            }
            return text.toString();
        }
    }

    static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) body.writeBytes(part);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = body.size();
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] sha(String algorithm, byte[] data) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(data);
    }

    /** The KISA rule. */
    static byte[] vid(String idn, byte[] random) throws Exception {
        byte[] input = der(0x30, der(0x13, idn.getBytes(StandardCharsets.US_ASCII)),
                der(0x03, new byte[] {0}, random));
        return sha("SHA-256", sha("SHA-256", input));
    }

    static X509Certificate load(String path) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return (X509Certificate) X509.generateCertificate(in);
        }
    }

    /**
     * The identifyData otherName's value (the SEQUENCE { realName, userInfo } inside [0] EXPLICIT),
     * or null. Read from the extension's own bytes: getSubjectAlternativeNames() (which must
     * accept the extension too) hands an otherName back re-encoded with its value wrapped in a
     * second [0], so it cannot tell whether the certificate has the right encoding.
     */
    static Der identifyData(X509Certificate cert) throws Exception {
        cert.getSubjectAlternativeNames();
        byte[] extension = cert.getExtensionValue("2.5.29.17");
        if (extension == null) return null;
        Der found = null;
        for (Der name : Der.of(Der.of(extension).value()).children()) {
            if (name.tag != 0xa0) continue;  // otherName [0] IMPLICIT OtherName
            List<Der> parts = name.children();
            if (parts.size() != 2 || parts.get(1).tag != 0xa0 || parts.get(1).children().size() != 1) {
                throw new IllegalArgumentException("otherName is not { type-id, [0] EXPLICIT value }");
            }
            if (!parts.get(0).oid().equals(IDENTIFY_DATA)) {
                throw new IllegalArgumentException("otherName of type " + parts.get(0).oid());
            }
            if (found != null) throw new IllegalArgumentException("two identifyData otherNames");
            found = parts.get(1).child(0);
            if (found.tag != 0x30) throw new IllegalArgumentException("identifyData is not a SEQUENCE");
        }
        return found;
    }

    static String checkCertificate(X509Certificate cert, String policy, boolean identify, String realName)
            throws Exception {
        Set<String> critical = cert.getCriticalExtensionOIDs();
        boolean[] usage = cert.getKeyUsage();
        if (usage == null || !critical.contains("2.5.29.15") || !usage[0] || !usage[1]) {
            return "key usage is not critical digitalSignature+nonRepudiation";
        }
        for (int i = 2; i < usage.length; i++) if (usage[i]) return "key usage has bit " + i;
        if (!critical.contains("2.5.29.32")) return "certificatePolicies is not critical";
        Der policies = Der.of(Der.of(cert.getExtensionValue("2.5.29.32")).value());
        List<String> oids = new ArrayList<>();
        for (Der info : policies.children()) oids.add(info.child(0).oid());
        if (!oids.equals(List.of(policy))) return "policies " + oids + ", not [" + policy + "]";
        Der data = identifyData(cert);
        if (!identify) return data == null ? null : "an identifyData otherName it should not have";
        if (data == null) return "no identifyData otherName";
        Der name = data.child(0);
        if (name.tag != 0x0c) return "realName is not a UTF8String";
        String read = new String(name.value(), StandardCharsets.UTF_8);
        if (!read.equals(realName)) return "realName " + read + ", not " + realName;
        return null;
    }

    static String checkVid(X509Certificate cert, String idn, byte[] random) throws Exception {
        Der data = identifyData(cert);
        List<Der> userInfo = data.child(1).children();
        if (userInfo.size() != 1) return userInfo.size() + " userInfo entries";
        Der entry = userInfo.get(0);
        if (!entry.child(0).oid().equals(VID)) return "userInfo type " + entry.child(0).oid();
        Der value = entry.child(1);
        Der hashAlg = value.child(0);
        if (!hashAlg.child(0).oid().equals(SHA256)) return "hashAlg " + hashAlg.child(0).oid();
        if (hashAlg.children().size() != 1) return "hashAlg has parameters";
        Der virtualId = value.child(1);
        if (virtualId.tag != 0xa0 || virtualId.child(0).tag != 0x04) return "virtualID is not [0] OCTET STRING";
        byte[] stored = virtualId.child(0).value();
        if (!Arrays.equals(stored, vid(idn, random))) return "the VID of " + idn + " and R is not the certificate's";
        char last = idn.charAt(idn.length() - 1);
        String other = idn.substring(0, idn.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
        if (Arrays.equals(stored, vid(other, random))) return "another number matches too";
        byte[] otherRandom = random.clone();
        otherRandom[0] ^= 1;
        if (Arrays.equals(stored, vid(idn, otherRandom))) return "another R matches too";
        return null;
    }

    static PKIXParameters parameters(X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        // Korean certificates carry a critical certificatePolicies with CPS and userNotice
        // qualifiers (as yessign and TradeSign write it). Java's PKIX refuses any critical
        // policy extension with qualifiers unless told otherwise (PKIXParameters
        // .setPolicyQualifiersRejected, default true); Korean relying parties on Java turn it
        // off, as here, and read the qualifiers themselves if they want them.
        params.setPolicyQualifiersRejected(false);
        return params;
    }

    /** null when the path validates, else the exception's message. */
    static String validate(CertPath path, PKIXParameters params) throws Exception {
        try {
            CertPathValidator.getInstance("PKIX").validate(path, params);
            return null;
        } catch (CertPathValidatorException e) {
            return "reason " + e.getReason() + ": " + e.getMessage();
        }
    }

    /** Whether validation with `checker` gives the status of the phase. */
    static String revocation(CertPath path, X509Certificate root, PKIXRevocationChecker checker,
                             List<Object> stores, boolean revoked) throws Exception {
        PKIXParameters params = parameters(root);
        params.setRevocationEnabled(true);
        params.addCertPathChecker(checker);
        if (!stores.isEmpty()) {
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(stores)));
        }
        String problem = validate(path, params);
        if (!revoked) return problem;
        if (problem == null) return "validated although revoked";
        return problem.startsWith("reason REVOKED") ? null : problem;
    }

    static byte[] ocspRequest(X509Certificate cert, X509Certificate issuer) throws Exception {
        byte[] spkiBits = Der.of(issuer.getPublicKey().getEncoded()).child(1).value();
        byte[] keyHash = sha("SHA-1", Arrays.copyOfRange(spkiBits, 1, spkiBits.length));
        byte[] nameHash = sha("SHA-1", issuer.getSubjectX500Principal().getEncoded());
        byte[] sha1 = der(0x30, der(0x06, new byte[] {0x2b, 0x0e, 0x03, 0x02, 0x1a}), der(0x05));
        byte[] certId = der(0x30, sha1, der(0x04, nameHash), der(0x04, keyHash),
                der(0x02, cert.getSerialNumber().toByteArray()));
        return der(0x30, der(0x30, der(0x30, der(0x30, certId))));
    }

    static byte[] http(String url, byte[] post) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(10000);
        connection.setReadTimeout(10000);
        if (post != null) {
            connection.setDoOutput(true);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Content-Type", "application/ocsp-request");
            connection.getOutputStream().write(post);
        }
        if (connection.getResponseCode() != 200) throw new Exception("HTTP " + connection.getResponseCode());
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    static String signatureName(String oid) {
        switch (oid) {
            case "1.2.840.113549.1.1.11": return "SHA256withRSA";
            case "1.2.840.113549.1.1.12": return "SHA384withRSA";
            case "1.2.840.113549.1.1.13": return "SHA512withRSA";
            case "1.2.840.10045.4.3.2": return "SHA256withECDSA";
            case "1.2.840.10045.4.3.3": return "SHA384withECDSA";
            default: throw new IllegalArgumentException("signature algorithm " + oid);
        }
    }

    /** Verifies an OCSP answer (RFC 6960) for `cert` and says whether it has `expected`. */
    static String checkAnswer(byte[] answer, X509Certificate cert, X509Certificate issuer, String expected)
            throws Exception {
        Der response = Der.of(answer);
        if (response.child(0).value()[0] != 0) return "responseStatus " + response.child(0).value()[0];
        Der bytes = response.child(1).child(0);
        if (!bytes.child(0).oid().equals("1.3.6.1.5.5.7.48.1.1")) return "not a basic response";
        Der basic = Der.of(bytes.child(1).value());
        Der tbs = basic.child(0);
        String algorithm = signatureName(basic.child(1).child(0).oid());
        byte[] signature = basic.child(2).value();
        if (signature[0] != 0) return "signature BIT STRING with unused bits";
        X509Certificate signer = issuer;
        if (basic.children().size() > 3) {
            Der certs = basic.child(3).child(0);
            signer = (X509Certificate) X509.generateCertificate(
                    new ByteArrayInputStream(certs.child(0).encoded()));
            // A delegated responder: issued by the CA of the certificate, for OCSP signing.
            signer.verify(issuer.getPublicKey());
            signer.checkValidity();
            if (signer.getExtendedKeyUsage() == null
                    || !signer.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.9")) {
                return "the responder certificate is not for OCSP signing";
            }
        }
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(signer.getPublicKey());
        verifier.update(tbs.encoded());
        if (!verifier.verify(Arrays.copyOfRange(signature, 1, signature.length))) {
            return "the answer's signature does not verify";
        }
        List<Der> fields = tbs.children();
        int at = fields.get(0).tag == 0xa0 ? 1 : 0;  // version
        Der responderId = fields.get(at);
        if (responderId.tag == 0xa1
                && !Arrays.equals(responderId.child(0).encoded(), signer.getSubjectX500Principal().getEncoded())) {
            return "responderID is not the signer";
        }
        List<Der> responses = fields.get(at + 2).children();
        if (responses.size() != 1) return responses.size() + " responses";
        Der single = responses.get(0);
        BigInteger serial = new BigInteger(single.child(0).child(3).value());
        if (!serial.equals(cert.getSerialNumber())) return "the answer is about serial " + serial.toString(16);
        int status = single.child(1).tag;
        String said = status == 0x80 ? "good" : status == 0xa1 ? "revoked" : status == 0x82 ? "unknown" : "?";
        return said.equals(expected) ? null : "says " + said + ", not " + expected;
    }

    public static void main(String[] args) throws Exception {
        boolean revoked = args[0].equals("revoked");
        byte[] known = vid("1234561234567", HexFormat.of().parseHex("79EA7568A2D3776604E18BCD3A1B1B85B7DA0872"));
        if (!HexFormat.of().formatHex(known).equals("17692c8dd00ead33791de0a64a937c60799634c64ac56fa57570c0e05252ab35")) {
            System.out.println("vid * FAIL the KISA known answer does not come out: " + HexFormat.of().formatHex(known));
        }
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            String name = f[0], policy = f[6], idn = f[8], random = f[9], realName = f[10];
            boolean identify = f[7].equals("yes");
            Step step = new Step(name);
            X509Certificate[] cert = new X509Certificate[1];
            X509Certificate issuer = load(f[2]), root = load(f[3]);
            step.run("cert", () -> {
                cert[0] = load(f[1]);
                return checkCertificate(cert[0], policy, identify, realName);
            });
            if (cert[0] == null) continue;
            CertPath path = X509.generateCertPath(List.of(cert[0], issuer));
            step.run("chain", () -> validate(path, parameters(root)));
            step.run("policy", () -> {
                PKIXParameters params = parameters(root);
                params.setInitialPolicies(Set.of(policy));
                params.setExplicitPolicyRequired(true);
                return validate(path, params);
            });
            step.run("crl", () -> {
                X509CRL crl;
                try (InputStream in = Files.newInputStream(Path.of(f[4]))) {
                    crl = (X509CRL) X509.generateCRL(in);
                }
                crl.verify(issuer.getPublicKey());
                if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) return "CRL issuer";
                boolean listed = crl.getRevokedCertificate(cert[0]) != null;
                if (listed != revoked) return listed ? "names the serial before its revocation" : "does not name the serial";
                PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
                return revocation(path, root, checker, List.of(crl), revoked);
            });
            String expected = revoked ? "revoked" : "good";
            byte[] request = ocspRequest(cert[0], issuer);
            step.run("ocsp-get", () -> {
                String encoded = URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.US_ASCII);
                String problem = checkAnswer(http(f[5] + "/" + encoded, null), cert[0], issuer, expected);
                if (problem != null) return problem;
                // The JDK's own OCSP client, from the certificate's AIA (it asks by GET).
                PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK,
                        PKIXRevocationChecker.Option.ONLY_END_ENTITY));
                problem = revocation(path, root, checker, List.of(), revoked);
                return problem == null ? null : "PKIXRevocationChecker: " + problem;
            });
            step.run("ocsp-post", () -> checkAnswer(http(f[5], request), cert[0], issuer, expected));
            if (!revoked) {
                if (identify) {
                    step.run("vid", () -> checkVid(cert[0], idn, HexFormat.of().parseHex(random)));
                } else {
                    System.out.println("vid " + name + " -");
                }
            }
        }
    }

    interface Body {
        String run() throws Exception;
    }

    record Step(String name) {
        void run(String artefact, Body body) {
            String problem;
            try {
                problem = body.run();
            } catch (Exception e) {
                problem = e.toString().replace('\n', ' ');
            }
            System.out.println(artefact + " " + name + (problem == null ? " ok" : " FAIL " + problem));
        }
    }
}

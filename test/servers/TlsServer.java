// A minimal TLS server that loads a keystore the way Java servers do:
// KeyStore.getInstance(type).load(file, storePassword), then the key manager
// with the *same* password as the key password, no alias (the first key entry
// is used). The server tests use it for IIS bundles (server.pfx as PKCS12),
// since there is no IIS to run here; TOMCAT bundles go to a real tomcat10.
//
// Usage: java -cp DIR TlsServer KEYSTORE TYPE PASSWORD_FILE PORT
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

public class TlsServer {
  public static void main(String[] a) throws Exception {
    char[] pw = new String(Files.readAllBytes(Path.of(a[2])), StandardCharsets.UTF_8).trim().toCharArray();
    KeyStore ks = KeyStore.getInstance(a[1]);
    try (InputStream in = new FileInputStream(a[0])) {
      ks.load(in, pw);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(Integer.parseInt(a[3]), 50, InetAddress.getByName("127.0.0.1"));
    System.out.println("READY");
    System.out.flush();
    while (true) {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.startHandshake();
        OutputStream o = s.getOutputStream();
        o.write("HTTP/1.0 200 OK\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
      } catch (Exception e) {
        System.err.println(e);
      }
    }
  }
}

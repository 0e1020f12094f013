package dev.dialectic.llm.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw HTTP/1.1 server for what WireMock cannot script: silence after the headers, a connection dropped in the
 * middle of a chunked body, and noticing that the client went away. Serves one connection at a time, each with the
 * same script.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does once it has read a request. */
    @FunctionalInterface
    interface Script {
        void run(Exchange exchange) throws IOException;
    }

    private final ServerSocket listener;
    private final AtomicReference<Socket> current = new AtomicReference<>();
    private final CountDownLatch clientLeft = new CountDownLatch(1);

    ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("scripted-server").start(() -> serve(script));
    }

    /** The base URL to configure the provider with. */
    String baseUrl() {
        return "http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort() + "/v1";
    }

    /** Whether a client closed its connection while a script waited in {@link Exchange#awaitClientLeaving()}. */
    boolean clientLeft() {
        return clientLeft.getCount() == 0;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket connection = current.get();
        if (connection != null) {
            connection.close();
        }
    }

    private void serve(Script script) {
        while (!listener.isClosed()) {
            try (Socket connection = listener.accept()) {
                current.set(connection);
                Exchange exchange = new Exchange(connection.getInputStream(), connection.getOutputStream());
                exchange.readRequest();
                script.run(exchange);
            } catch (IOException e) {
                // The listener was closed, or a client went away mid-script: either way, on to the next or out.
            }
        }
    }

    /** One request and the script's response to it. */
    final class Exchange {

        private final InputStream in;
        private final OutputStream out;

        private Exchange(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        /** Sends the headers of a chunked {@code text/event-stream} response. */
        void startEventStream() throws IOException {
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        /** Sends {@code data: <json>} and the blank line that ends the event, as one chunk. */
        void event(String json) throws IOException {
            byte[] event = ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
            write(Integer.toHexString(event.length) + "\r\n");
            out.write(event);
            write("\r\n");
        }

        /** Ends the chunked body properly. */
        void endBody() throws IOException {
            write("0\r\n\r\n");
        }

        /** Blocks until the client closes the connection, and records that it did. */
        void awaitClientLeaving() {
            try {
                while (in.read() >= 0) {
                    // A well-behaved client sends nothing more; drain whatever comes until it closes.
                }
            } catch (IOException e) {
                // A reset is a way of leaving too.
            }
            clientLeft.countDown();
        }

        private void readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    throw new IOException("client closed before sending a request");
                }
                head.write(next);
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            // Read the body too: closing a socket with unread input would reset the connection instead of ending it.
            in.readNBytes(length);
        }

        private void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }
}

package io.streamaligner.topology.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebPageTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private ApplicationHttpServer server;

    @BeforeEach
    void serve() {
        WebPage page = new WebPage();
        server = ApplicationHttpServer.builder("127.0.0.1", 0).route(WebPage.PAGE, page).route(WebPage.ASSETS, page)
                .route("/metrics", new MetricsEndpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldServeThePageAtTheRootAndItsFilesFromTheJarUnderAPolicyThatRunsOnlyThem() throws Exception {
        HttpResponse<String> page = get("/");
        HttpResponse<String> script = get("/web/app.js");
        HttpResponse<String> style = get("/web/app.css");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/web/app.js\" defer></script>")
                .contains("<link rel=\"stylesheet\" href=\"/web/app.css\">").doesNotContain("http://", "https://");
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        for (HttpResponse<String> file : List.of(page, script, style)) {
            assertThat(file.headers().firstValue("Content-Security-Policy")).hasValue(WebPage.CONTENT_SECURITY_POLICY);
            assertThat(file.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        assertThat(WebPage.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'")
                .doesNotContain("unsafe");
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(page.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void shouldTakeOnlyTheRootAndItsOwnFiles() throws Exception {
        assertThat(get("/metrics").statusCode()).as("other routes stay theirs").isEqualTo(200);
        assertThat(get("/web/other.js").statusCode()).isEqualTo(404);
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/anything").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    /** Model text is untrusted: the script puts it into the document as text, never as markup or code. */
    @Test
    void shouldNeverTurnTextIntoMarkupOrCodeInThePagesScript() throws IOException {
        String script = resource("app.js");

        assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setTimeout('", "srcdoc", "createContextualFragment", "DOMParser");
        assertThat(script).contains("textContent");
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = WebPage.class.getClassLoader().getResourceAsStream(WebPage.RESOURCES + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

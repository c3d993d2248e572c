package io.streamaligner.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One generation endpoint: turns a request body into what the engine runs and how the answer looks. */
interface GenerationEndpoint {

    /** @throws ApiError for a request this endpoint does not take */
    PreparedGeneration prepare(ObjectNode body);
}

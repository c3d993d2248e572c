package io.streamaligner.inference.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TestModels;
import io.streamaligner.inference.model.ModelConfig;
import io.streamaligner.inference.model.ModelFolder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSignatureTest {

    @Test
    void shouldDiscoverTheBundledModel() throws Exception {
        ModelFolder folder = ModelFolder.open(TestModels.upstream());

        ModelSignature signature = discover(folder, folder.config());

        assertThat(signature.layers()).isEqualTo(folder.config().layers());
        assertThat(signature.hasPositionIds()).isTrue();
        assertThat(signature.kvType()).isEqualTo(OnnxJavaType.FLOAT);
        assertThat(signature.logitsType()).isEqualTo(OnnxJavaType.FLOAT);
        assertThat(signature.vocabSize()).isEqualTo(folder.config().vocabSize());
        assertThat(signature.presentNames()).hasSize(2 * folder.config().layers()).contains("present.0.key");
    }

    @Test
    void shouldDiscoverAModelWithoutPositionIds() throws Exception {
        ModelFolder folder = ModelFolder.open(TestModels.fixture(TestModels.NO_POSITION_IDS));

        assertThat(discover(folder, folder.config()).hasPositionIds()).isFalse();
    }

    @Test
    void shouldDiscoverAHalfPrecisionCache() throws Exception {
        ModelFolder folder = ModelFolder.open(TestModels.fixture(TestModels.FP16_CACHE));

        ModelSignature signature = discover(folder, folder.config());

        assertThat(signature.kvType()).isEqualTo(OnnxJavaType.FLOAT16);
        assertThat(signature.logitsType()).isEqualTo(OnnxJavaType.FLOAT16);
        assertThat(signature.kvElementBytes()).isEqualTo(2);
    }

    @Test
    void shouldNameWhatIsMissingWhenTheConfigClaimsMoreLayers() {
        ModelFolder folder = ModelFolder.open(TestModels.upstream());
        ModelConfig c = folder.config();
        int layers = c.layers() + 1;
        ModelConfig tooDeep = new ModelConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), layers, c.attentionHeads(),
                c.keyValueHeads(), c.headDim(), c.maxPositions(), c.bosTokenId(), c.eosTokenIds(), c.padTokenId());

        assertThatThrownBy(() -> discover(folder, tooDeep))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("missing input 'past_key_values." + c.layers() + ".key'")
                .hasMessageContaining("missing output 'present." + c.layers() + ".value'");
    }

    @Test
    void shouldNameAKeyValueShapeThatContradictsTheConfig() {
        ModelFolder folder = ModelFolder.open(TestModels.upstream());
        ModelConfig c = folder.config();
        ModelConfig wrongHeads = new ModelConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.layers(),
                c.attentionHeads() * 2, c.keyValueHeads() * 2, c.headDim(), c.maxPositions(), c.bosTokenId(),
                c.eosTokenIds(), c.padTokenId());

        assertThatThrownBy(() -> discover(folder, wrongHeads))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("kv heads");
    }

    private static ModelSignature discover(ModelFolder folder, ModelConfig config) throws Exception {
        SessionOpener.OpenSession opened = SessionOpener.open(OrtEnvironment.getEnvironment(), folder.modelFile(),
                EngineOptions.cpu().withIntraOpThreads(1));
        try {
            return ModelSignature.discover(opened.session(), config);
        } finally {
            opened.session().close();
        }
    }
}

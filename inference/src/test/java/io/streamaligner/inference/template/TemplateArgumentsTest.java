package io.streamaligner.inference.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateArgumentsTest {

    @Test
    void shouldReadBooleansNumbersAndStrings() {
        TemplateArguments arguments = TemplateArguments.parse("enable_thinking=false, depth=3, temperature=0.5, "
                + "date_string=26 Jul 2024, literal=\"true\"");

        assertThat(arguments.values()).containsExactly(Map.entry("enable_thinking", false), Map.entry("depth", 3L),
                Map.entry("temperature", new BigDecimal("0.5")), Map.entry("date_string", "26 Jul 2024"),
                Map.entry("literal", "true"));
        assertThat(TemplateArguments.parse(arguments.toString())).isEqualTo(arguments);
    }

    @Test
    void shouldReadBlankTextAsNoArguments() {
        assertThat(TemplateArguments.parse(" ").isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseAPairWithoutAValueANameThatIsNoIdentifierOrANameGivenTwice() {
        assertThatThrownBy(() -> TemplateArguments.parse("enable_thinking")).hasMessageContaining("has no '='");
        assertThatThrownBy(() -> TemplateArguments.parse("enable-thinking=false")).hasMessageContaining("identifier");
        assertThatThrownBy(() -> TemplateArguments.parse("a=1,a=2")).hasMessageContaining("twice");
    }

    @Test
    void shouldLetLaterArgumentsWin() {
        assertThat(TemplateArguments.parse("a=1,b=2").with(TemplateArguments.parse("b=3")).values())
                .containsExactly(Map.entry("a", 1L), Map.entry("b", 3L));
    }
}

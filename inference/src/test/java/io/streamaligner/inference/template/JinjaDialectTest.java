package io.streamaligner.inference.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JinjaDialectTest {

    @Test
    void shouldPutKeywordArgumentValuesInParentheses() {
        assertThat(JinjaDialect.toJinjava("{%- set ns = namespace(a=true, last=messages|length - 1) %}"))
                .isEqualTo("{%- set ns = namespace(a=(true), last=(messages|length - 1)) %}");
        assertThat(JinjaDialect.toJinjava("{{ f(x, y=g(1, z=2)) }}")).isEqualTo("{{ f(x, y=(g(1, z=(2)))) }}");
    }

    @Test
    void shouldLeaveComparisonsAssignmentsAndStringsAlone() {
        String source = "{% set x = 1 %}{% if (a == b) and (c != d) and (e <= f) %}{{ 'k=(v), [::-1]' }}{% endif %}";

        assertThat(JinjaDialect.toJinjava(source)).isEqualTo(source);
    }

    @Test
    void shouldTurnTheReversingSliceIntoTheReverseFilter() {
        assertThat(JinjaDialect.toJinjava("{%- for m in messages[::-1] %}{%- endfor %}"))
                .isEqualTo("{%- for m in messages|reverse|list %}{%- endfor %}");
    }

    @Test
    void shouldLeaveTextOutsideExpressionsAndCommentsAlone() {
        assertThat(JinjaDialect.toJinjava("f(a=1 - 2) {# g(b=1) #}[::-1]{{ h(c=2) }}"))
                .isEqualTo("f(a=1 - 2) {# g(b=1) #}[::-1]{{ h(c=(2)) }}");
    }

    @Test
    void shouldDropOneTrailingNewline() {
        assertThat(JinjaDialect.toJinjava("x\n\n")).isEqualTo("x\n");
    }
}

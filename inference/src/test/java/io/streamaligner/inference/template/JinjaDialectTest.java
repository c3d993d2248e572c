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
    void shouldTakeALoopFilterOutIntoALoopThatCollectsTheKeptItems() {
        assertThat(JinjaDialect.toJinjava("{%- for m in messages if m.role != 'system' -%}{{ m }}{%- endfor %}"))
                .isEqualTo("{%- set __filtered_loop_0 = [] %}{% for m in messages %}{% if m.role != 'system' %}"
                        + "{% do __filtered_loop_0.append(m) %}{% endif %}{% endfor %}{% for m in __filtered_loop_0 -%}"
                        + "{{ m }}{%- endfor %}");
    }

    @Test
    void shouldLeaveLoopsWithoutAFilterAndIfsInsideBracketsOrStringsAlone() {
        String source = "{% for m in (a if c else b) %}{% endfor %}{% for m in items %}{% if m %}{% endif %}{% endfor %}"
                + "{% for k, v in pairs if v %}{% endfor %}{% for m in ['if', 'x'] %}{% endfor %}"
                + "{% for m in tree if m recursive %}{% endfor %}";

        assertThat(JinjaDialect.toJinjava(source)).isEqualTo(source);
    }

    @Test
    void shouldDropOneTrailingNewline() {
        assertThat(JinjaDialect.toJinjava("x\n\n")).isEqualTo("x\n");
    }
}

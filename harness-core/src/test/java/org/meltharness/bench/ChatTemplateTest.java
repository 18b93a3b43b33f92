package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;

class ChatTemplateTest {
    // SmolLM2-Instruct's ChatML template, as its tokenizer_config.json has it.
    private static final String CHATML = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}"
            + "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    // Llama 2 chat's, shortened to its structure: [INST] around user turns, raise_exception on bad order.
    private static final String LLAMA2 = "{{ bos_token }}{% for message in messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'].strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' '  + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    private static Path model(Path dir, String template) throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                java.util.Map.of("chat_template", template, "bos_token", "<s>", "eos_token", "</s>"));
        Files.writeString(dir.resolve("tokenizer_config.json"), json);
        return dir;
    }

    @Test
    void rendersChatMlAsTransformersDoes(@TempDir Path dir) throws Exception {
        ChatTemplate t = ChatTemplate.of(model(dir, CHATML));
        assertTrue(t.modelsOwn());
        String prompt = t.render(List.of(new ChatTemplate.Message("user", "Hi"), new ChatTemplate.Message("assistant", "Hello!"),
                new ChatTemplate.Message("user", "2+2?")), true);
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n", prompt);
    }

    @Test
    void llama2WithSpecialTokensAndItsRaiseException(@TempDir Path dir) throws Exception {
        ChatTemplate t = ChatTemplate.of(model(dir, LLAMA2));
        assertEquals("<s>[INST] Hi [/INST] Hello </s>[INST] Go on [/INST]", t.render(List.of(new ChatTemplate.Message("user", " Hi "),
                new ChatTemplate.Message("assistant", "Hello"), new ChatTemplate.Message("user", "Go on")), true));
        var e = assertThrows(HarnessException.class, () -> t.render(List.of(new ChatTemplate.Message("assistant", "x")), true));
        assertTrue(e.getMessage().contains("roles must alternate"), e.getMessage());
    }

    @Test
    void modelsWithoutATemplateGetThePlainLayout() {
        ChatTemplate t = ChatTemplate.of(SharedFiles.stories260k());
        assertFalse(t.modelsOwn());
        assertEquals("User: Once upon a time\nAssistant: there was\nUser: More\nAssistant:",
                t.render(List.of(new ChatTemplate.Message("user", "Once upon a time"), new ChatTemplate.Message("assistant", "there was"),
                        new ChatTemplate.Message("user", "More")), true));
    }

    @Test
    void meltsPromptSetsLoad() {
        assertEquals(50, PromptSets.load("melt").size());
        assertEquals(48, PromptSets.load("melt-sustained").getFirst().size());
        assertEquals(HarnessException.USAGE, assertThrows(HarnessException.class, () -> PromptSets.load("nope.json")).exitCode());
    }
}

package dev.dialectic.llm.llamacpp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Writes a tiny GGUF v3 model of llama.cpp's {@code llama} architecture with seeded random F32 weights: real
 * inference through the real llama.cpp code path, meaningless text, a few hundred KB, microseconds per token.
 *
 * <p>The vocabulary is SentencePiece-style ({@code tokenizer.ggml.model = llama}): {@code <unk>}, {@code <s>},
 * {@code </s>}, the 256 byte-fallback tokens {@code <0x00>}..{@code <0xFF>} and {@code ▁} (the escaped space). With
 * no multi-character tokens the tokenizer never merges, so a text is one token per UTF-8 byte (a space becomes
 * {@code ▁}), which lets tests predict token counts. Only the rows of {@code output.weight}
 * for printable ASCII and {@code ▁} are random; all others are zero, so their logit is 0 while the winner's is
 * almost surely positive: greedy decoding never picks end-of-stream, a control token or a lone byte of a
 * multi-byte UTF-8 character, and every generated token streams as exactly one visible character.
 *
 * <p>The model carries a chat template of its own ({@link #CHAT_TEMPLATE}) so tests can tell whether the
 * provider formats prompts with it.
 */
final class TinyGgufModel {

    /** Tokens: 3 specials, 256 bytes, the escaped space. */
    static final int VOCAB = 3 + 256 + 1;
    static final int EMBEDDING = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int FEED_FORWARD = 128;
    static final int CONTEXT = 512;

    /** A jinja chat template (the same shape as ChatML) that llama.cpp recognises and renders. */
    static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{{ '### ' + message['role'] + ':\\n' + message['content'] + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '### assistant:\\n' }}{% endif %}";

    private static final int ALIGNMENT = 32;
    private static final int GGUF_VERSION = 3;

    // GGUF metadata value types
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    // llama.cpp token types
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private static final int GGML_TYPE_F32 = 0;

    private TinyGgufModel() {}

    /** Writes the model for {@code seed} to {@code file}; the same seed always gives the same bytes. */
    static Path write(Path file, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Tensor> tensors = new ArrayList<>();
        int headDim = EMBEDDING / HEADS;
        int kvDim = headDim * KV_HEADS;
        tensors.add(Tensor.random("token_embd.weight", random, 1.0f, EMBEDDING, VOCAB));
        tensors.add(Tensor.ones("output_norm.weight", EMBEDDING));
        tensors.add(outputWeight(random));
        float projection = (float) (1 / Math.sqrt(EMBEDDING));
        for (int layer = 0; layer < LAYERS; layer++) {
            String block = "blk." + layer + ".";
            tensors.add(Tensor.ones(block + "attn_norm.weight", EMBEDDING));
            tensors.add(Tensor.random(block + "attn_q.weight", random, projection, EMBEDDING, EMBEDDING));
            tensors.add(Tensor.random(block + "attn_k.weight", random, projection, EMBEDDING, kvDim));
            tensors.add(Tensor.random(block + "attn_v.weight", random, projection, EMBEDDING, kvDim));
            tensors.add(Tensor.random(block + "attn_output.weight", random, projection, EMBEDDING, EMBEDDING));
            tensors.add(Tensor.ones(block + "ffn_norm.weight", EMBEDDING));
            tensors.add(Tensor.random(block + "ffn_gate.weight", random, projection, EMBEDDING, FEED_FORWARD));
            tensors.add(Tensor.random(block + "ffn_up.weight", random, projection, EMBEDDING, FEED_FORWARD));
            tensors.add(Tensor.random(block + "ffn_down.weight", random,
                    (float) (1 / Math.sqrt(FEED_FORWARD)), FEED_FORWARD, EMBEDDING));
        }

        Writer out = new Writer();
        List<Consumer<Writer>> metadata = metadata(headDim);
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(GGUF_VERSION);
        out.u64(tensors.size());
        out.u64(metadata.size());
        metadata.forEach(kv -> kv.accept(out));
        long offset = 0;
        for (Tensor tensor : tensors) {
            out.string(tensor.name());
            out.u32(tensor.dims().length);
            for (long dim : tensor.dims()) {
                out.u64(dim);
            }
            out.u32(GGML_TYPE_F32);
            out.u64(offset);
            offset = align(offset + 4L * tensor.data().length);
        }
        out.pad();
        for (Tensor tensor : tensors) {
            for (float value : tensor.data()) {
                out.f32(value);
            }
            out.pad();
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    /** How many tokens this vocabulary's tokenizer makes of {@code text}, without BOS: one per UTF-8 byte. */
    static int tokenCount(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<Consumer<Writer>> metadata(int headDim) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(BYTE);
        }
        tokens.add("\u2581");
        types.add(NORMAL);

        List<Consumer<Writer>> kv = new ArrayList<>();
        kv.add(w -> w.kvString("general.architecture", "llama"));
        kv.add(w -> w.kvString("general.name", "dialectic-tiny-random"));
        kv.add(w -> w.kvU32("general.alignment", ALIGNMENT));
        kv.add(w -> w.kvU32("general.file_type", 0)); // all F32
        kv.add(w -> w.kvU32("llama.vocab_size", VOCAB));
        kv.add(w -> w.kvU32("llama.context_length", CONTEXT));
        kv.add(w -> w.kvU32("llama.embedding_length", EMBEDDING));
        kv.add(w -> w.kvU32("llama.block_count", LAYERS));
        kv.add(w -> w.kvU32("llama.feed_forward_length", FEED_FORWARD));
        kv.add(w -> w.kvU32("llama.attention.head_count", HEADS));
        kv.add(w -> w.kvU32("llama.attention.head_count_kv", KV_HEADS));
        kv.add(w -> w.kvU32("llama.rope.dimension_count", headDim));
        kv.add(w -> w.kvF32("llama.rope.freq_base", 10_000f));
        kv.add(w -> w.kvF32("llama.attention.layer_norm_rms_epsilon", 1e-5f));
        kv.add(w -> w.kvString("tokenizer.ggml.model", "llama"));
        kv.add(w -> {
            w.key("tokenizer.ggml.tokens");
            w.u32(ARRAY);
            w.u32(STRING);
            w.u64(tokens.size());
            tokens.forEach(w::string);
        });
        kv.add(w -> {
            w.key("tokenizer.ggml.scores");
            w.u32(ARRAY);
            w.u32(FLOAT32);
            w.u64(tokens.size());
            tokens.forEach(token -> w.f32(0f));
        });
        kv.add(w -> {
            w.key("tokenizer.ggml.token_type");
            w.u32(ARRAY);
            w.u32(INT32);
            w.u64(types.size());
            types.forEach(w::u32);
        });
        kv.add(w -> w.kvU32("tokenizer.ggml.unknown_token_id", 0));
        kv.add(w -> w.kvU32("tokenizer.ggml.bos_token_id", 1));
        kv.add(w -> w.kvU32("tokenizer.ggml.eos_token_id", 2));
        kv.add(w -> w.kvBool("tokenizer.ggml.add_bos_token", true));
        kv.add(w -> w.kvBool("tokenizer.ggml.add_eos_token", false));
        // without this the tokenizer would put an escaped space before the prompt
        kv.add(w -> w.kvBool("tokenizer.ggml.add_space_prefix", false));
        kv.add(w -> w.kvString("tokenizer.chat_template", CHAT_TEMPLATE));
        return kv;
    }

    /** Random rows for the tokens greedy decoding may pick (printable ASCII bytes and the space), zero elsewhere. */
    private static Tensor outputWeight(SplittableRandom random) {
        float[] data = new float[EMBEDDING * VOCAB];
        for (int token = 0; token < VOCAB; token++) {
            boolean printableByte = token >= 3 + 0x21 && token <= 3 + 0x7E;
            boolean space = token == VOCAB - 1;
            for (int i = 0; i < EMBEDDING; i++) {
                data[token * EMBEDDING + i] = printableByte || space ? (float) random.nextDouble(-1, 1) : 0f;
            }
        }
        return new Tensor("output.weight", new long[] {EMBEDDING, VOCAB}, data);
    }

    private static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * One F32 tensor.
     *
     * @param dims GGUF order: innermost (contiguous) dimension first, so a {@code [in, out]} matrix is {@code out}
     *             rows of {@code in} floats
     */
    private record Tensor(String name, long[] dims, float[] data) {

        static Tensor random(String name, SplittableRandom random, float scale, int inner, int outer) {
            float[] data = new float[inner * outer];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (random.nextDouble(-1, 1) * Math.sqrt(3) * scale); // uniform with std = scale
            }
            return new Tensor(name, new long[] {inner, outer}, data);
        }

        static Tensor ones(String name, int length) {
            float[] data = new float[length];
            java.util.Arrays.fill(data, 1f);
            return new Tensor(name, new long[] {length}, data);
        }
    }

    /** Little-endian GGUF primitives into memory (the whole file is a few hundred KB). */
    private static final class Writer {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void bytes(byte[] data) {
            bytes.writeBytes(data);
        }

        void u32(int value) {
            bytes.write(scratch.clear().putInt(value).array(), 0, 4);
        }

        void u64(long value) {
            bytes.write(scratch.clear().putLong(value).array(), 0, 8);
        }

        void f32(float value) {
            bytes.write(scratch.clear().putFloat(value).array(), 0, 4);
        }

        void string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            bytes(utf8);
        }

        void key(String key) {
            string(key);
        }

        void kvU32(String key, int value) {
            key(key);
            u32(UINT32);
            u32(value);
        }

        void kvF32(String key, float value) {
            key(key);
            u32(FLOAT32);
            f32(value);
        }

        void kvBool(String key, boolean value) {
            key(key);
            u32(BOOL);
            bytes.write(value ? 1 : 0);
        }

        void kvString(String key, String value) {
            key(key);
            u32(STRING);
            string(value);
        }

        void pad() {
            while (bytes.size() % ALIGNMENT != 0) {
                bytes.write(0);
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}

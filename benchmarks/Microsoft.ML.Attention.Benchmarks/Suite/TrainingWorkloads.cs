using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// The two training configurations of the suite, each as one forward + backward + AdamW step on a fixed batch:
/// nanoGPT's CPU config (character-level tiny shakespeare, block 64, batch 12, 4 layers, 4 heads, 128 dims, no bias, tied output)
/// and BERT-small (bert-base-uncased vocabulary, 4 layers, d = 256, 8 heads, FF 1024, T = 256, B = 16, post-norm, GELU).
/// </summary>
internal static class TrainingWorkloads
{
    /// <summary>A training step and what it processes.</summary>
    /// <param name="Step">One forward + backward + optimizer step (in its own dispose scope).</param>
    /// <param name="TokensPerStep">B x T.</param>
    /// <param name="FlopsPerToken">nanoGPT's <c>estimate_mfu</c>: 6 N + 12 L H Dh T, N = parameters that take part in matrix products.</param>
    /// <param name="MatmulParameters">N.</param>
    /// <param name="Dispose">Frees the model and optimizer.</param>
    public sealed record Workload(Action Step, int TokensPerStep, double FlopsPerToken, long MatmulParameters, Action Dispose);

    public static TransformerConfig BertSmallConfig(int vocabularySize) => new()
    {
        VocabularySize = vocabularySize,
        ModelDimension = 256,
        LayerCount = 4,
        HeadCount = 8,
        FeedForwardDimension = 1024,
        MaxSequenceLength = 256,
        Dropout = 0,
        AttentionDropout = 0,
        UseBias = true,
        PositionalEncoding = PositionalEncodingKind.Learned,
        NormalizationPlacement = NormalizationPlacement.PostNorm,
        Activation = ActivationKind.Gelu,
    };

    public const int BertBatch = 16;

    /// <summary>nanoGPT: <see cref="CausalLanguageModel"/>, cross-entropy of next characters, AdamW (lr 1e-3, β2 0.99, weight decay 0.1).</summary>
    /// <param name="datasets">The shared data folder.</param>
    /// <param name="bfloat16">Train with bfloat16 matrix products on the float32 weights, as <c>TrainingPrecision.BFloat16</c> does.</param>
    public static Workload NanoGpt(string datasets, bool bfloat16 = false)
    {
        var text = BenchmarkData.TinyShakespeare(datasets);
        var tokenizer = TextTokenizer.CreateCharacter([text]);
        var ids = tokenizer.Encode(text[..100_000]);
        var config = NanoGptParity.Config(tokenizer.VocabularySize);
        manual_seed(1337);
        var model = new CausalLanguageModel(config);
        model.train();
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.99, weight_decay: 0.1);
        const int batch = NanoGptParity.BatchSize, block = NanoGptParity.BlockSize;
        var random = new Random(1);
        var windows = new long[batch * (block + 1)];
        for (int row = 0; row < batch; row++)
        {
            int start = random.Next(ids.Length - block - 1);
            for (int t = 0; t <= block; t++)
                windows[row * (block + 1) + t] = ids[start + t];
        }
        var data = tensor(windows).view(batch, block + 1).DetachFromDisposeScope(); // [B, T + 1]
        long parameters = model.parameters().Sum(p => p.numel()) - config.MaxSequenceLength * config.ModelDimension; // minus wpe, as nanoGPT
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var input = data.narrow(1, 0, block);   // [B, T]
            var target = data.narrow(1, 1, block);  // [B, T]
            Tensor logits;
            using (MixedPrecision.Enter(bfloat16 ? ScalarType.BFloat16 : null))
                logits = model.forward(input);     // [B, T, V]
            var loss = nn.functional.cross_entropy(logits.view(-1, config.VocabularySize), target.reshape(-1));
            loss.backward();
            optimizer.step();
        }
        return new Workload(Step, batch * block, Flops(config, parameters), parameters, () =>
        {
            optimizer.Dispose();
            model.Dispose();
            data.Dispose();
        });
    }

    /// <summary>BERT-small: the library's <see cref="TransformerBackbone"/> (bidirectional), loss = mean square of the hidden states, AdamW.</summary>
    /// <param name="datasets">The shared data folder (for the vocabulary size).</param>
    /// <param name="bfloat16">
    /// Train with bfloat16 matrix products on the float32 weights, as <c>TrainingPrecision.BFloat16</c> does (the library's mixed
    /// precision: norms, softmax inputs, loss and AdamW stay float32).
    /// </param>
    public static Workload BertSmall(string datasets, bool bfloat16 = false) => Backbone(datasets, peer: false, bfloat16);

    /// <summary>
    /// BERT-small's shape with the layers of libtorch (<c>nn.TransformerEncoder</c> of <c>nn.TransformerEncoderLayer</c>, post-norm,
    /// GELU, dropout 0) behind the same token and learned position embeddings; loss and optimizer as <see cref="BertSmall"/>.
    /// </summary>
    /// <param name="datasets">The shared data folder (for the vocabulary size).</param>
    /// <param name="bfloat16">
    /// Train in bfloat16: libtorch's layer has no mixed-precision mode in TorchSharp (no autocast), so the whole module (weights,
    /// activations, AdamW state) is converted to bfloat16; the loss is computed in float32.
    /// </param>
    public static Workload PeerBertSmall(string datasets, bool bfloat16 = false) => Backbone(datasets, peer: true, bfloat16);

    private static Workload Backbone(string datasets, bool peer, bool bfloat16)
    {
        int vocabulary = File.ReadLines(Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt")).Count();
        var config = BertSmallConfig(vocabulary);
        manual_seed(1);
        var ids = randint(vocabulary, [BertBatch, config.MaxSequenceLength], dtype: ScalarType.Int64).DetachFromDisposeScope(); // [B, T]
        nn.Module model = peer ? new PeerEncoder(config) : new TransformerBackbone(config);
        model.train();
        if (peer && bfloat16)
            model.to(ScalarType.BFloat16);
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);
        ScalarType? computeType = bfloat16 && !peer ? ScalarType.BFloat16 : null;
        long embeddings = (long)(vocabulary + config.MaxSequenceLength) * config.ModelDimension;
        long parameters = model.parameters().Sum(p => p.numel()) - embeddings;
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor hidden;
            using (MixedPrecision.Enter(computeType))
            {
                hidden = model is TransformerBackbone backbone
                    ? backbone.forward(ids, null, causal: false)   // [B, T, D]
                    : ((PeerEncoder)model).forward(ids);            // [B, T, D]
            }

            var loss = hidden.to(ScalarType.Float32).square().mean();
            loss.backward();
            optimizer.step();
        }
        return new Workload(Step, BertBatch * config.MaxSequenceLength, Flops(config, parameters), parameters, () =>
        {
            optimizer.Dispose();
            model.Dispose();
            ids.Dispose();
        });
    }

    private static double Flops(TransformerConfig config, long parameters) =>
        6.0 * parameters + 12.0 * config.LayerCount * config.HeadCount * config.HeadDimension * config.MaxSequenceLength;

    /// <summary>Runs <paramref name="steps"/> steps after <paramref name="warmUp"/>; returns seconds per step.</summary>
    public static double SecondsPerStep(Workload workload, int warmUp, int steps)
    {
        for (int i = 0; i < warmUp; i++)
            workload.Step();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
            workload.Step();
        return watch.Elapsed.TotalSeconds / steps;
    }
}

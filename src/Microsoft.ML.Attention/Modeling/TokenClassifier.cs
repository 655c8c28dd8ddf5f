using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Token classification (Hugging Face's <c>ForTokenClassification</c>): a bidirectional <see cref="TransformerBackbone"/>, dropout
/// and <c>Linear(D, classCount)</c> applied at every position. State-dict keys: <c>backbone.*</c>, <c>classifier.weight</c> [C, D],
/// <c>classifier.bias</c> [C], and with word shapes <c>shape_embedding.weight</c> [S, D].
/// </summary>
/// <remarks>
/// Word shapes (a class per position, such as "capitalized" or "all capitals", computed from a word's text before an uncased
/// tokenizer lower-cases it) are embedded and added to the input embeddings, so that the encoder reads capitalization in context.
/// The shape embedding starts at zero: a pretrained backbone starts out computing exactly what it computed before.
/// </remarks>
public sealed class TokenClassifier : nn.Module<Tensor, Tensor, Tensor>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "dropout")]
    private readonly Dropout dropout;

    [ComponentName(Name = "classifier")]
    private readonly Linear classifier;

    [ComponentName(Name = "shape_embedding")]
    private readonly Embedding? shapeEmbedding;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    /// <param name="classCount">Number of classes (tags) C; positive.</param>
    /// <param name="shapeCount">Number of word shapes S with an embedding added to the input embeddings; 0 (default) = none.</param>
    /// <exception cref="ArgumentException">
    /// The configuration is invalid, <paramref name="classCount"/> is not positive, or <paramref name="shapeCount"/> is negative.
    /// </exception>
    public TokenClassifier(TransformerConfig config, int classCount, int shapeCount = 0)
        : base(nameof(TokenClassifier))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (classCount <= 0)
        {
            throw new ArgumentException($"classCount must be positive; got {classCount}.", nameof(classCount));
        }

        if (shapeCount < 0)
        {
            throw new ArgumentException($"shapeCount must be 0 or more; got {shapeCount}.", nameof(shapeCount));
        }

        ClassCount = classCount;
        ShapeCount = shapeCount;
        backbone = new TransformerBackbone(config);
        dropout = nn.Dropout(config.Dropout);
        classifier = WeightInitialization.Normal(nn.Linear(config.ModelDimension, classCount));
        if (shapeCount > 0)
        {
            shapeEmbedding = nn.Embedding(shapeCount, config.ModelDimension);
            using var noGrad = no_grad();
            shapeEmbedding.weight!.zero_();
        }

        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>Number of classes C.</summary>
    public int ClassCount { get; }

    /// <summary>Number of word shapes S with an embedding (0 = the model reads no word shapes).</summary>
    public int ShapeCount { get; }

    /// <summary>Scores every position.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Logits [B, T, C]; padded positions get values that carry no meaning.</returns>
    /// <remarks>A model with word shapes reads shape 0 at every position; call the overload with <c>shapeIds</c> to give them.</remarks>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, tokenTypeIds: null);

    /// <summary>Scores every position.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="tokenTypeIds">[B, T] segment ids, or null = all 0; read only by a backbone with token-type embeddings.</param>
    /// <param name="shapeIds">
    /// [B, T] int64 word shapes in [0, <see cref="ShapeCount"/>), or null = shape 0 everywhere; read only when <see cref="ShapeCount"/> is positive.
    /// </param>
    /// <returns>Logits [B, T, C]; padded positions get values that carry no meaning.</returns>
    /// <exception cref="ArgumentException"><paramref name="shapeIds"/> is not [B, T].</exception>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, Tensor? shapeIds = null)
    {
        using var scope = NewDisposeScope();
        Tensor? shapes = null;
        if (shapeEmbedding is not null)
        {
            var ids = shapeIds ?? zeros_like(inputIds, dtype: ScalarType.Int64); // [B, T]
            if (!ids.shape.SequenceEqual(inputIds.shape))
            {
                throw new ArgumentException(
                    $"shapeIds must be [{string.Join(", ", inputIds.shape)}] like inputIds; got [{string.Join(", ", ids.shape)}].", nameof(shapeIds));
            }

            shapes = shapeEmbedding.forward(ids.to(ScalarType.Int64).to(inputIds.device)); // [B, T, D]
        }

        var hidden = backbone.forward(inputIds, attentionMask, causal: false, tokenTypeIds: tokenTypeIds, addedEmbeddings: shapes); // [B, T, D]
        return classifier.forward(dropout.forward(hidden)).MoveToOuterDisposeScope(); // [B, T, C]
    }
}

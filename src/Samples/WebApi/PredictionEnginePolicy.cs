using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace WebApi;

/// <summary>
/// How the pool makes and keeps prediction engines: a <see cref="PredictionEngine{TSrc, TDst}"/> is not thread-safe, so each request
/// borrows one (Microsoft.Extensions.ML's PredictionEnginePool does the same; that package is not used here).
/// </summary>
public sealed class PredictionEnginePolicy<TInput, TOutput>(MLContext mlContext, ITransformer model) : IPooledObjectPolicy<PredictionEngine<TInput, TOutput>>
    where TInput : class
    where TOutput : class, new()
{
    public PredictionEngine<TInput, TOutput> Create() => mlContext.Model.CreatePredictionEngine<TInput, TOutput>(model);

    public bool Return(PredictionEngine<TInput, TOutput> engine) => true;
}

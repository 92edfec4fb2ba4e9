# The image runs the same wheel CI installs: runtime data ship inside the package, nothing reads the source tree.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY semap ./semap
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
ENV SEMAP_DATA_DIR=/data SEMAP_HOST=0.0.0.0 SEMAP_PORT=8000
EXPOSE 8000
# Build (fetch + verify sources, load the store), then serve.
CMD ["sh", "-c", "semap build && semap serve"]

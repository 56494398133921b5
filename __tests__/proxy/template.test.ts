import { isTemplate, renderTemplate, renderedName } from '../../src/proxy/template'

test("envsubst of the defined variables only, both $VAR and ${VAR}; nginx's own variables untouched", () => {
  const text =
    'server_name ${NGINX_HOST};\nproxy_pass http://$FLASK_SERVER_ADDR;\nproxy_set_header Host $host;\nset $x ${host};\n'
  expect(renderTemplate(text, [['NGINX_HOST', 'example.com']])).toEqual({
    text: 'server_name example.com;\nproxy_pass http://$FLASK_SERVER_ADDR;\nproxy_set_header Host $host;\nset $x ${host};\n',
    substituted: ['NGINX_HOST'],
    undefinedVars: [],
  })
  const both = renderTemplate(text, [
    ['NGINX_HOST', 'example.com'],
    ['FLASK_SERVER_ADDR', 'web:8000'],
  ])
  expect(both.text).toContain('proxy_pass http://web:8000;')
  expect(both.substituted).toEqual(['NGINX_HOST', 'FLASK_SERVER_ADDR'])
})

test('an unset upper-case ${VAR} is left as written and named; a bare $VAR is not (it may be nginx’s)', () => {
  const r = renderTemplate(
    'proxy_pass http://${FLASK_SERVER_ADDR}; set $A 1; ${FLASK_SERVER_ADDR}',
    [],
  )
  expect(r.text).toBe('proxy_pass http://${FLASK_SERVER_ADDR}; set $A 1; ${FLASK_SERVER_ADDR}')
  expect(r.undefinedVars).toEqual(['FLASK_SERVER_ADDR'])
})

test('a template is a *.template file, rendered under its name without the suffix', () => {
  expect(isTemplate('nginx/default.conf.template')).toBe(true)
  expect(isTemplate('nginx/default.conf')).toBe(false)
  expect(renderedName('default.conf.template')).toBe('default.conf')
})
